//! Durations as users type them.

/// Parses `12d` or `36h` into hours (> 0). A bare number is refused: `--deadline 5` could
/// mean five days or five hours, and guessing wrong is silent.
pub fn parse_duration_h(s: &str) -> Result<f64, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix('d') {
        (n, 24.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 1.0)
    } else if t.parse::<f64>().is_ok() {
        return Err(format!(
            "`{s}` has no unit: write {t}d for days or {t}h for hours"
        ));
    } else {
        (t.as_str(), 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v * factor),
        _ => Err(format!(
            "`{s}` is not a duration: use days (12d) or hours (300h)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration_h;

    #[test]
    fn days_and_hours_but_no_bare_numbers() {
        assert_eq!(parse_duration_h("12d"), Ok(288.0));
        assert_eq!(parse_duration_h(" 36H "), Ok(36.0));
        assert_eq!(parse_duration_h("7.5h"), Ok(7.5));
        let e = parse_duration_h("5").unwrap_err();
        assert!(
            e.contains("no unit") && e.contains("5d") && e.contains("5h"),
            "{e}"
        );
        assert!(parse_duration_h("soon").is_err());
        assert!(parse_duration_h("-3d").is_err());
    }
}
