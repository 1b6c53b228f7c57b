//! Formula text → [`Expr`] tree, with the grammar in `grammar/kpi.pest` and operator precedence
//! in one Pratt table.

use std::sync::LazyLock;

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::{Argument, BinaryOp, Condition, Expr, Name, Span, Spanned, SpannedExpr, UnaryOp};
use crate::words;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/kpi.pest"]
struct Grammar;

/// A formula that does not parse: where, and what was expected there.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// Whether the formula is refused for its size (a limit), not for what it says.
    pub too_large: bool,
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::infix(Rule::pow, Assoc::Right))
});

/// The longest formula read, in characters. Formulas are a line or two; the bound keeps the
/// time and the stack that parsing, checking and compiling take small whatever the input.
pub const MAX_FORMULA_CHARS: usize = 2_000;

/// How deeply parentheses (of calls too) may nest in a formula.
pub const MAX_PARENTHESES: usize = 32;

/// How deeply the parts of a formula may nest, counting each operator of a chain: `a + b + c`
/// is two levels, `abs(a + b)` two.
pub const MAX_DEPTH: usize = 100;

/// Parses a formula: a KPI, measure, target, score or `when` expression.
pub fn parse_formula(text: &str) -> Result<SpannedExpr, SyntaxError> {
    within_limits(text)?;
    let mut pairs = Grammar::parse(Rule::formula, text).map_err(|e| syntax_error(text, e))?;
    let formula = pairs.next().expect("formula rule");
    let expr = formula.into_inner().next().expect("formula holds an expression");
    let expr = build_expr(expr);
    shallow_enough(&expr)?;
    Ok(expr)
}

/// Parses a band or grade condition: `otherwise`, `>= 30%`, or a boolean formula.
pub fn parse_condition(text: &str) -> Result<Spanned<Condition>, SyntaxError> {
    within_limits(text)?;
    let mut pairs = Grammar::parse(Rule::condition, text).map_err(|e| syntax_error(text, e))?;
    let condition = pairs.next().expect("condition rule");
    let span = span_of(&condition);
    let inner = condition.into_inner().next().expect("condition body");
    let node = match inner.as_rule() {
        Rule::otherwise => Condition::Otherwise,
        Rule::compared => {
            let mut parts = inner.into_inner();
            let op = binary_op(parts.next().expect("comparison operator").as_rule());
            Condition::Compared { op, rhs: build_expr(parts.next().expect("compared value")) }
        }
        _ => Condition::Formula(build_expr(inner)),
    };
    match &node {
        Condition::Compared { rhs: expr, .. } | Condition::Formula(expr) => shallow_enough(expr)?,
        Condition::Otherwise => {}
    }
    Ok(Spanned::new(node, span))
}

/// A formula short enough, and with parentheses shallow enough, to be parsed: refused before
/// the parser, whose recursion follows the parentheses.
fn within_limits(text: &str) -> Result<(), SyntaxError> {
    if let Some((at, _)) = text.char_indices().nth(MAX_FORMULA_CHARS) {
        let message = format!("the formula is longer than {MAX_FORMULA_CHARS} characters");
        return Err(SyntaxError { span: Span::new(at, text.len()), message, too_large: true });
    }
    match scan(text).too_deep {
        Some(at) => {
            let message = format!("parentheses nest more than {MAX_PARENTHESES} deep here");
            Err(SyntaxError { span: Span::new(at, at + 1), message, too_large: true })
        }
        None => Ok(()),
    }
}

/// A syntax tree no deeper than [`MAX_DEPTH`], measured without recursion, before anything
/// walks it recursively.
fn shallow_enough(expr: &SpannedExpr) -> Result<(), SyntaxError> {
    let mut stack = vec![(expr, 1)];
    while let Some((expr, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            let message = format!("the formula nests more than {MAX_DEPTH} levels deep here");
            return Err(SyntaxError { span: expr.span, message, too_large: true });
        }
        let children: Vec<&SpannedExpr> = match &expr.node {
            Expr::Unary { operand, .. } => vec![operand],
            Expr::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            Expr::If { branches, otherwise } => {
                branches.iter().flat_map(|(c, v)| [c, v]).chain([otherwise.as_ref()]).collect()
            }
            Expr::Call { args, .. } => args.iter().map(|a| &a.value).collect(),
            Expr::Number(_) | Expr::String(_) | Expr::Bool(_) | Expr::Null | Expr::Name(_) => Vec::new(),
        };
        stack.extend(children.into_iter().map(|child| (child, depth + 1)));
    }
    Ok(())
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let span = pair.as_span();
    Span::new(span.start(), span.end())
}

fn build_expr(pair: Pair<Rule>) -> SpannedExpr {
    debug_assert_eq!(pair.as_rule(), Rule::expr);
    build_operators(pair.into_inner())
}

fn build_operators(pairs: Pairs<Rule>) -> SpannedExpr {
    PRATT
        .map_primary(build_primary)
        .map_prefix(|op, operand| {
            let span = span_of(&op).to(operand.span);
            let op = if op.as_rule() == Rule::not { UnaryOp::Not } else { UnaryOp::Neg };
            Spanned::new(Expr::Unary { op, operand: Box::new(operand) }, span)
        })
        .map_infix(|lhs, op, rhs| {
            let span = lhs.span.to(rhs.span);
            let op = binary_op(op.as_rule());
            Spanned::new(Expr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span)
        })
        .parse(pairs)
}

fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::or => BinaryOp::Or,
        Rule::and => BinaryOp::And,
        Rule::eq => BinaryOp::Eq,
        Rule::ne => BinaryOp::Ne,
        Rule::lt => BinaryOp::Lt,
        Rule::le => BinaryOp::Le,
        Rule::gt => BinaryOp::Gt,
        Rule::ge => BinaryOp::Ge,
        Rule::add => BinaryOp::Add,
        Rule::sub => BinaryOp::Sub,
        Rule::mul => BinaryOp::Mul,
        Rule::div => BinaryOp::Div,
        Rule::pow => BinaryOp::Pow,
        other => unreachable!("not a binary operator: {other:?}"),
    }
}

fn build_primary(pair: Pair<Rule>) -> SpannedExpr {
    let span = span_of(&pair);
    let node = match pair.as_rule() {
        Rule::paren => {
            let inner = build_expr(pair.into_inner().next().expect("an expression in parentheses"));
            return Spanned::new(inner.node, span);
        }
        Rule::number => Expr::Number(number_value(pair.as_str())),
        Rule::string => Expr::String(unescape(pair.into_inner().next().expect("string body").as_str())),
        Rule::boolean => Expr::Bool(pair.as_str() == "true"),
        Rule::null => Expr::Null,
        Rule::name => {
            let mut parts = pair.into_inner().map(identifier_text);
            let first = parts.next().expect("name has an identifier");
            match parts.next() {
                Some(column) => Expr::Name(Name { source: Some(first), name: column }),
                None => Expr::Name(Name { source: None, name: first }),
            }
        }
        Rule::call => {
            let mut parts = pair.into_inner();
            let function = parts.next().expect("call has a function name");
            let function = Spanned::new(identifier_text(function.clone()), span_of(&function));
            let args = parts.map(build_argument).collect();
            Expr::Call { function, args }
        }
        Rule::if_expr => build_if(pair),
        other => unreachable!("not a primary: {other:?}"),
    };
    Spanned::new(node, span)
}

fn build_argument(pair: Pair<Rule>) -> Argument {
    let mut parts: Vec<Pair<Rule>> = pair.into_inner().collect();
    let value = build_expr(parts.pop().expect("argument value"));
    let name = parts.pop().map(|name| Spanned::new(identifier_text(name.clone()), span_of(&name)));
    Argument { name, value }
}

fn build_if(pair: Pair<Rule>) -> Expr {
    let mut branches = Vec::new();
    let mut otherwise = None;
    let mut parts = pair.into_inner().filter(|part| part.as_rule() != Rule::kw_if);
    let first_condition = build_expr(parts.next().expect("if condition"));
    let first_value = then_value(parts.next().expect("then branch"));
    branches.push((first_condition, first_value));
    for part in parts {
        match part.as_rule() {
            Rule::elif_branch => {
                let mut inner = part.into_inner().filter(|p| p.as_rule() != Rule::kw_elif);
                let condition = build_expr(inner.next().expect("elif condition"));
                branches.push((condition, then_value(inner.next().expect("elif then"))));
            }
            Rule::else_branch => otherwise = Some(then_value(part)),
            other => unreachable!("not an if branch: {other:?}"),
        }
    }
    Expr::If { branches, otherwise: Box::new(otherwise.expect("grammar requires else")) }
}

/// The expression after `then` or `else`.
fn then_value(pair: Pair<Rule>) -> SpannedExpr {
    build_expr(pair.into_inner().find(|p| p.as_rule() == Rule::expr).expect("a branch value"))
}

fn identifier_text(pair: Pair<Rule>) -> String {
    let inner = pair.into_inner().next().expect("identifier body");
    match inner.as_rule() {
        Rule::backticked => inner.into_inner().next().expect("backtick body").as_str().to_string(),
        _ => inner.as_str().to_string(),
    }
}

fn number_value(text: &str) -> f64 {
    let (digits, percent) = match text.strip_suffix('%') {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    let value: f64 = cleaned.parse().expect("grammar only admits valid numbers");
    if percent { value / 100.0 } else { value }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn syntax_error(text: &str, error: pest::error::Error<Rule>) -> SyntaxError {
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    if let Some(open) = scan(text).unclosed.filter(|open| *open == at || text[at..].trim().is_empty()) {
        let message = match &text[open..=open] {
            "(" => "this `(` is never closed: expected `)`".to_string(),
            "`" => "this backtick is never closed".to_string(),
            quote => format!("this string is never closed: expected `{quote}`"),
        };
        return SyntaxError { span: Span::new(open, open + 1), message, too_large: false };
    }
    // An error at the end points just after the last character, not at trailing line breaks.
    let at = at.min(text.trim_end().len());
    let found = found_at(text, at);
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let expected: Vec<&str> = positives.iter().filter_map(|rule| describe(*rule)).collect();
            if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", words::one_of(expected))
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    SyntaxError { span: Span::new(at, end), message, too_large: false }
}

/// What a pass over the brackets of a formula finds.
struct Scan {
    /// The opening parenthesis, backtick or quote that the formula leaves open.
    unclosed: Option<usize>,
    /// The first parenthesis deeper than [`MAX_PARENTHESES`].
    too_deep: Option<usize>,
}

fn scan(text: &str) -> Scan {
    let mut parentheses = Vec::new();
    let mut quoted: Option<(char, usize)> = None;
    let mut too_deep = None;
    for (index, c) in text.char_indices() {
        match (quoted, c) {
            (Some((quote, _)), c) if c == quote => quoted = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quoted = Some((c, index)),
            (None, '(') => {
                parentheses.push(index);
                if parentheses.len() > MAX_PARENTHESES {
                    too_deep = too_deep.or(Some(index));
                }
            }
            (None, ')') => {
                parentheses.pop();
            }
            _ => {}
        }
    }
    Scan { unclosed: quoted.map(|(_, index)| index).or(parentheses.last().copied()), too_deep }
}

fn found_at(text: &str, at: usize) -> String {
    match text[at..].chars().next() {
        Some(c) if !c.is_whitespace() => format!("`{c}`"),
        _ => "the end of the formula".to_string(),
    }
}

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr | Rule::compared | Rule::if_expr | Rule::call | Rule::name | Rule::identifier => "a value",
        Rule::number | Rule::string | Rule::boolean | Rule::null => "a value",
        Rule::or | Rule::and | Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::pow => "an operator",
        Rule::eq | Rule::ne | Rule::lt | Rule::le | Rule::gt | Rule::ge => "an operator",
        Rule::then_branch | Rule::kw_then => "`then`",
        Rule::elif_branch | Rule::kw_elif => "`elif`",
        Rule::else_branch | Rule::kw_else => "`else`",
        Rule::argument => "an argument",
        Rule::otherwise => "`otherwise`",
        Rule::EOI => "the end of the formula",
        _ => return None,
    })
}
