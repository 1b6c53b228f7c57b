//! "Did you mean" suggestions.

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&wanted_lower, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| {
            let longest = wanted.chars().count().max(candidate.chars().count());
            *distance <= (longest / 3).max(1) || abbreviates(&wanted_lower, &candidate.to_lowercase())
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Whether `short` is `long` with letters left out, starting alike: `rnd` for `round`,
/// `cnt` for `count`.
fn abbreviates(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().count() >= 3
        && short.chars().next() == long.chars().next()
        && short.chars().all(|c| rest.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn suggests_a_near_name_and_nothing_for_a_far_one() {
        let names = ["readers", "followers", "read_rate"];
        assert_eq!(nearest("raeders", names), Some("readers"));
        assert_eq!(nearest("folowers", names), Some("followers"));
        assert_eq!(nearest("revenue", names), None);
        assert_eq!(nearest("rnd", ["round", "rank", "ln"]), Some("round"));
        assert_eq!(nearest("cnt", ["count", "clamp"]), Some("count"));
        assert_eq!(nearest("阅读率", ["阅读人数", "阅读率x"]), Some("阅读率x"));
    }
}
