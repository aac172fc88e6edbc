//! How close two names are: the one place hh-gitops decides that a name the user wrote was
//! probably meant as another (a misspelt field, a reference one slip away from an object).

/// Edit distance in characters, a swap of two neighbours counting as one edit (optimal
/// string alignment): typing `vlna` for `vlan` is one slip, not two.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = table[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution
                .min(table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

/// Whether `a` is probably `b` mistyped: the two differ by exactly one edit (a character
/// added, dropped or replaced, or two neighbours swapped) that touches no digit and does not
/// replace a one-letter part of the name. Those are left out because numbered and lettered
/// names differ so on purpose (`vpc-1`, `vpc-10`, `leaf-a`, `leaf-b`). Linear in the names' length, as it runs against every object of a kind for
/// each missing reference.
pub fn likely_typo(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let first = short
        .iter()
        .zip(long)
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    let letter = |byte: u8| !byte.is_ascii_digit();
    if short.len() < long.len() {
        return letter(long[first]) && short[first..] == long[first + 1..];
    }
    let replaced = short[first + 1..] == long[first + 1..];
    let swapped = first + 1 < short.len()
        && short[first] == long[first + 1]
        && short[first + 1] == long[first]
        && short[first + 2..] == long[first + 2..];
    let separator = |byte: u8| matches!(byte, b'-' | b'.' | b'_');
    let lone_letter = (first == 0 || separator(short[first - 1]))
        && (first + 1 == short.len() || separator(short[first + 1]));
    (swapped || (replaced && !lone_letter)) && letter(short[first]) && letter(long[first])
}

/// The allowed name `unknown` (a field, a config key, a rule id) was most likely meant to be: the same name in other case
/// (`nativeVlan` for `nativeVLAN`), else the nearest by edit distance when it is at most 2
/// and less than a third of the name (`subnts` for `subnets`); ties go to the first.
pub fn closest<'a>(unknown: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(unknown)) {
        return Some(same);
    }
    let limit = (unknown.chars().count() / 3).min(2);
    allowed
        .iter()
        .map(|a| (edit_distance(unknown, a), *a))
        .filter(|(distance, _)| *distance <= limit && *distance > 0)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_fields_find_what_they_meant() {
        let allowed = ["subnets", "permit", "nativeVLAN", "vlan", "ipv4Namespace"];
        assert_eq!(closest("subnts", &allowed), Some("subnets"));
        assert_eq!(closest("nativeVlan", &allowed), Some("nativeVLAN"));
        assert_eq!(closest("vlna", &allowed), Some("vlan"));
        assert_eq!(closest("ipv4namespace", &allowed), Some("ipv4Namespace"));
        assert_eq!(closest("foo", &allowed), None);
        assert_eq!(closest("x", &allowed), None, "too short to guess");
    }

    #[test]
    fn a_typo_is_one_added_dropped_replaced_or_swapped_letter() {
        for (a, b) in [
            ("dbb", "db"),
            ("db", "dbb"),
            ("web", "wab"),
            ("vlna", "vlan"),
            ("b", ""),
            ("xdb", "db"),
        ] {
            assert!(likely_typo(a, b), "{a} {b}");
            assert_eq!(edit_distance(a, b), 1, "{a} {b}");
        }
        for (a, b) in [
            ("db", "db"),
            ("vpc-1", "vpc-12x"),
            ("abcd", "badc"),
            ("ab", "cd"),
            // Numbered names are meant to differ.
            ("vpc-1", "vpc-2"),
            ("vpc-1", "vpc-10"),
            ("vpc-12", "vpc-21"),
            ("leaf-1a", "leaf-a"),
            ("vpc-a", "vpc-b"),
            ("a.vpc", "b.vpc"),
        ] {
            assert!(!likely_typo(a, b), "{a} {b}");
        }
    }
}
