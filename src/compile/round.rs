//! `round` as Excel's ROUND: half away from zero, on the number as it is written in decimal.
//! Scaling by a power of ten and rounding the product is not enough: 2.675 is stored as
//! 2.67499999…, and 5e15 × 1 + 0.5 is not exact. The shortest decimal text that reads back as
//! the same number (what Rust prints) is rounded digit by digit instead, and read back.

/// `value` rounded half away from zero to `digits` decimals (tens, hundreds… when negative).
pub fn half_away_from_zero(value: f64, digits: i64) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    // `d.ddddde±x`: the significant digits, and the power of ten of the first.
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    let exponent: i64 = exponent.parse().expect("`{:e}` writes a whole exponent");
    let significant: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    // How many of the significant digits stand before the digit that is rounded away.
    let kept = exponent.saturating_add(1).saturating_add(digits);
    let Ok(kept) = usize::try_from(kept) else { return 0.0 };
    if kept >= significant.len() {
        return value;
    }
    let mut digits_kept = significant[..kept].to_vec();
    if significant[kept] >= b'5' {
        carry_one(&mut digits_kept);
    }
    if digits_kept.is_empty() {
        return 0.0;
    }
    let magnitude: f64 = format!("{}e{}", String::from_utf8(digits_kept).expect("digits"), -digits)
        .parse()
        .expect("digits and an exponent read as a number");
    magnitude.copysign(value)
}

/// Adds one to a number written as ASCII digits, growing it by a digit on `99…9`.
fn carry_one(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

#[cfg(test)]
mod tests {
    use super::half_away_from_zero as round;

    #[test]
    fn rounds_as_excel_does() {
        assert_eq!(round(2.675, 2), 2.68);
        assert_eq!(round(-2.675, 2), -2.68);
        assert_eq!(round(2.5, 0), 3.0);
        assert_eq!(round(-2.5, 0), -3.0);
        assert_eq!(round(0.5, 0), 1.0);
        assert_eq!(round(0.04, 0), 0.0);
        assert_eq!(round(1234.0, -2), 1200.0);
        assert_eq!(round(1250.0, -2), 1300.0);
        assert_eq!(round(999.6, 0), 1000.0);
        assert_eq!(round(49.0, -2), 0.0);
        assert_eq!(round(1.005, 2), 1.01);
    }

    #[test]
    fn digits_beyond_the_number_leave_it_as_it_is() {
        assert_eq!(round(5e15, 0), 5e15);
        assert_eq!(round(987654321.5, 6), 987654321.5);
        assert_eq!(round(50.0, 14), 50.0);
        assert_eq!(round(0.1 + 0.2, 1000), 0.1 + 0.2);
        assert_eq!(round(123.0, -1000), 0.0);
        assert_eq!(round(f64::MAX, -308), f64::INFINITY);
    }
}
