//! Numbers and strings as protoc's text format reads and writes them:
//! float tokens to doubles (`strtod` on the token, an `f` suffix allowed),
//! the double to float narrowing protoc applies, the shortest `%g` that
//! reads back (`SimpleDtoa`/`SimpleFtoa`), and C escaping of bytes.

/// The double a float token denotes: the longest prefix that is a decimal
/// number, correctly rounded (as `strtod` in the C locale). Overflow gives
/// infinity, underflow zero or a subnormal. The tokenizer has reported any
/// malformed token already; this reads as much as it can.
pub(crate) fn parse_float(text: &[u8]) -> f64 {
    let mut end = 0;
    let digits = |from: usize| {
        text[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let integer = digits(0);
    end += integer;
    let mut fraction = 0;
    if text.get(end) == Some(&b'.') {
        fraction = digits(end + 1);
        end += 1 + fraction;
    }
    if integer + fraction == 0 {
        return 0.0;
    }
    if matches!(text.get(end), Some(b'e' | b'E')) {
        let mut at = end + 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent > 0 {
            end = at + exponent;
        }
    }
    std::str::from_utf8(&text[..end])
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// protoc's `SafeDoubleToFloat`: values just past the largest float that
/// still print as it become it; beyond that, infinity.
pub(crate) fn double_to_float(value: f64) -> f32 {
    const MAX_ROUNDED: f64 = 3.4028235677973366e38;
    if value > f32::MAX as f64 {
        if value <= MAX_ROUNDED {
            f32::MAX
        } else {
            f32::INFINITY
        }
    } else if value < -(f32::MAX as f64) {
        if value >= -MAX_ROUNDED {
            -f32::MAX
        } else {
            f32::NEG_INFINITY
        }
    } else {
        value as f32
    }
}

/// C's `%.{precision}g` of a finite double.
fn format_g(value: f64, precision: usize) -> String {
    let precision = precision.max(1);
    // Scientific notation gives the digits rounded to `precision`
    // significant places and the exponent after rounding, which decides
    // between the two styles exactly as %g does.
    let scientific = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = match scientific.split_once('e') {
        Some(parts) => parts,
        None => return scientific,
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if exponent < -4 || exponent >= precision as i32 {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{first}{point}{rest}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    } else if exponent < 0 {
        let zeros = "0".repeat((-exponent - 1) as usize);
        format!("{sign}0.{zeros}{digits}")
    } else {
        let integer_len = exponent as usize + 1;
        if digits.len() <= integer_len {
            let zeros = "0".repeat(integer_len - digits.len());
            format!("{sign}{digits}{zeros}")
        } else {
            let (integer, fraction) = digits.split_at(integer_len);
            format!("{sign}{integer}.{fraction}")
        }
    }
}

/// protoc's `SimpleDtoa`: `%.15g`, or `%.17g` when that does not read back.
pub(crate) fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let short = format_g(value, 15);
    if short.parse::<f64>().ok() == Some(value) {
        short
    } else {
        format_g(value, 17)
    }
}

/// protoc's `SimpleFtoa`: `%.6g`, or `%.9g` when that does not read back
/// as the same float. protoc reads it back with `strtof`, which flags
/// every subnormal result as a range error, so subnormals always get nine
/// digits.
pub(crate) fn format_float(value: f32) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let short = format_g(value as f64, 6);
    if !value.is_subnormal() && short.parse::<f32>().ok() == Some(value) {
        short
    } else {
        format_g(value as f64, 9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g() {
        assert_eq!(format_g(100000.0, 6), "100000");
        assert_eq!(format_g(1000000.0, 6), "1e+06");
        assert_eq!(format_g(0.0001, 6), "0.0001");
        assert_eq!(format_g(0.00001, 6), "1e-05");
        assert_eq!(format_g(1.5, 6), "1.5");
        assert_eq!(format_g(-0.0, 6), "-0");
        assert_eq!(format_g(0.0, 15), "0");
        assert_eq!(format_g(1e100, 15), "1e+100");
        assert_eq!(format_g(123456789.125, 15), "123456789.125");
    }

    #[test]
    fn shortest_round_trip() {
        assert_eq!(format_double(0.1), "0.1");
        assert_eq!(
            format_double(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(
            format_double(123456789012345678.0),
            "1.2345678901234568e+17"
        );
        assert_eq!(format_double(1e-310), "9.99999999999997e-311");
        assert_eq!(format_double(5e-324), "4.94065645841247e-324");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(f32::MAX), "3.40282347e+38");
        assert_eq!(format_float(16777216.0), "16777216");
        assert_eq!(format_float(1e-5), "1e-05");
        assert_eq!(format_float(f32::from_bits(1)), "1.40129846e-45");
    }

    #[test]
    fn float_tokens() {
        assert_eq!(parse_float(b"1.5f"), 1.5);
        assert_eq!(parse_float(b".5"), 0.5);
        assert_eq!(parse_float(b"5."), 5.0);
        assert_eq!(parse_float(b"1e"), 1.0);
        assert_eq!(parse_float(b"2e+"), 2.0);
        assert_eq!(parse_float(b"1e400"), f64::INFINITY);
        assert_eq!(parse_float(b"1.5e-400"), 0.0);
        assert_eq!(parse_float(b"18446744073709551616"), 18446744073709551616.0);
    }

    #[test]
    fn narrowing() {
        assert_eq!(double_to_float(1e39), f32::INFINITY);
        assert_eq!(double_to_float(3.4028235e38), f32::MAX);
    }
}
