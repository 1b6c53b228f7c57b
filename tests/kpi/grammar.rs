//! The grammar: every valid form parses to the tree expected, every invalid one fails at the
//! right character with a message a consultant can act on.

use kpi::expr::ast::{Argument, Expr, SpannedExpr, UnaryOp};
use kpi::expr::{parse_condition, parse_formula};

use crate::support::manifest_dir;

/// A tree as an s-expression: `(+ a (* b c))`.
fn tree(expr: &SpannedExpr) -> String {
    match &expr.node {
        Expr::Number(n) => format!("{n}"),
        Expr::String(s) => format!("{s:?}"),
        Expr::Bool(b) => format!("{b}"),
        Expr::Null => "null".into(),
        Expr::Name(name) => match &name.source {
            Some(source) => format!("[{source}].[{}]", name.name),
            None => format!("[{}]", name.name),
        },
        Expr::Unary { op: UnaryOp::Neg, operand } => format!("(neg {})", tree(operand)),
        Expr::Unary { op: UnaryOp::Not, operand } => format!("(not {})", tree(operand)),
        Expr::Binary { op, lhs, rhs } => format!("({} {} {})", op.symbol(), tree(lhs), tree(rhs)),
        Expr::If { branches, otherwise } => {
            let branches: Vec<String> = branches.iter().map(|(c, v)| format!("{} {}", tree(c), tree(v))).collect();
            format!("(if {} else {})", branches.join(" "), tree(otherwise))
        }
        Expr::Call { function, args } => {
            let args: Vec<String> = args.iter().map(argument).collect();
            format!("({} {})", function.node, args.join(" "))
        }
    }
}

fn argument(arg: &Argument) -> String {
    match &arg.name {
        Some(name) => format!("{}={}", name.node, tree(&arg.value)),
        None => tree(&arg.value),
    }
}

fn lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(manifest_dir().join("tests/fixtures/grammar").join(name)).unwrap();
    text.lines().map(str::to_string).collect()
}

#[test]
fn valid_formulas_parse_with_precedence_and_spans() {
    let mut out = String::new();
    for formula in lines("valid.txt") {
        let parsed = parse_formula(&formula).unwrap_or_else(|e| panic!("`{formula}` does not parse: {e:?}"));
        assert_eq!((parsed.span.start, parsed.span.end), (0, formula.len()), "the root spans `{formula}`");
        out.push_str(&format!("{formula}\n    {}\n", tree(&parsed)));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_formulas_are_rejected_at_the_offending_character() {
    let mut out = String::new();
    for formula in lines("invalid.txt") {
        let error = parse_formula(&formula).expect_err(&format!("`{formula}` must not parse"));
        let caret = format!("{}^", " ".repeat(formula[..error.span.start].chars().count()));
        out.push_str(&format!("{formula}\n{caret} {}\n", error.message));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn conditions_are_a_comparison_with_the_value_a_formula_or_otherwise() {
    let mut out = String::new();
    for condition in [">= 30%", "< 0", "otherwise", "value > target and value < 2 * target", "== \"x\""] {
        let parsed = parse_condition(condition).unwrap();
        out.push_str(&format!("{condition}\n    {:?}\n", parsed.node).replace("\n    ", "\n    "));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn spans_cover_the_characters_of_each_node_even_after_cjk_text() {
    let formula = "阅读率 + `图文 阅读` * 2";
    let parsed = parse_formula(formula).unwrap();
    let Expr::Binary { lhs, rhs, .. } = &parsed.node else { panic!("a sum") };
    assert_eq!(&formula[lhs.span.start..lhs.span.end], "阅读率");
    let Expr::Binary { lhs: name, .. } = &rhs.node else { panic!("a product") };
    assert_eq!(&formula[name.span.start..name.span.end], "`图文 阅读`");
}
