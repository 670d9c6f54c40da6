//! Money as an integer count of minor units plus an ISO 4217 currency. Never `f64`.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency with its minor-unit exponent (JPY 0, EUR 2, KWD 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// Currencies whose exponent is not 2 (ISO 4217 list). Everything else known is 2.
const EXPONENT_0: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
const EXPONENT_3: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
const EXPONENT_2: &[&str] = &[
    "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "COP", "CZK", "DKK", "EGP", "EUR",
    "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "MAD", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN",
    "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD",
    "UAH", "USD", "ZAR",
];

impl Currency {
    /// Looks up an ISO 4217 code (upper case, three letters).
    ///
    /// # Errors
    /// [`CoreError::UnknownCurrency`] for anything that is not a known code.
    pub fn new(code: &str) -> Result<Self, CoreError> {
        let exponent = if EXPONENT_0.contains(&code) {
            0
        } else if EXPONENT_3.contains(&code) {
            3
        } else if EXPONENT_2.contains(&code) {
            2
        } else {
            return Err(CoreError::UnknownCurrency(code.to_string()));
        };
        let b = code.as_bytes();
        Ok(Currency {
            code: [b[0], b[1], b[2]],
            exponent,
        })
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes come from one of the ASCII tables above.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of digits after the decimal separator (0, 2 or 3).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
}

impl TryFrom<String> for Currency {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::new(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount: a count of minor units (cents, fils, yen) in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Money {
    /// Count of minor units; negative for amounts owed back.
    pub minor: i64,
    /// The currency the count is in.
    pub currency: Currency,
}

impl Money {
    /// An amount of `minor` units of `currency`.
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] or [`CoreError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, CoreError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(CoreError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// `self × factor`.
    ///
    /// # Errors
    /// [`CoreError::Overflow`].
    pub fn checked_mul(self, factor: i64) -> Result<Money, CoreError> {
        let minor = self.minor.checked_mul(factor).ok_or(CoreError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// `self − other`.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] or [`CoreError::Overflow`].
    pub fn checked_sub(self, other: Money) -> Result<Money, CoreError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(CoreError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// `basis_points` / 10 000 of the amount, rounded half away from zero (1 000 bp = 10 %).
    ///
    /// # Errors
    /// [`CoreError::Overflow`].
    pub fn checked_basis_points(self, basis_points: u32) -> Result<Money, CoreError> {
        let product = i128::from(self.minor) * i128::from(basis_points);
        let half = if product < 0 { -5_000 } else { 5_000 };
        let minor = i64::try_from((product + half) / 10_000).map_err(|_| CoreError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// Splits the amount into `parts` shares that differ by at most one minor unit and sum
    /// exactly to the amount (largest remainder: the first shares get the leftover units).
    /// `parts == 0` gives an empty list.
    pub fn allocate_evenly(self, parts: u32) -> Vec<Money> {
        if parts == 0 {
            return Vec::new();
        }
        let n = i64::from(parts);
        let base = self.minor.div_euclid(n);
        let leftover = self.minor.rem_euclid(n);
        (0..n)
            .map(|i| Money {
                minor: base + i64::from(i < leftover),
                currency: self.currency,
            })
            .collect()
    }

    fn same_currency(&self, other: &Money) -> Result<(), CoreError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(CoreError::CurrencyMismatch {
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            })
        }
    }

    /// Parses a plain decimal amount such as `"19.90"`, `"-3.5"` or `"1500"` in `currency`.
    /// More decimals than the currency has are refused, never rounded away.
    ///
    /// # Errors
    /// [`CoreError::InvalidAmount`] or [`CoreError::Overflow`].
    pub fn from_decimal_str(text: &str, currency: Currency) -> Result<Money, CoreError> {
        let bad = || CoreError::InvalidAmount(text.to_string());
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let exp = usize::from(currency.exponent);
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(frac)
            || frac.len() > exp
            || (digits.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        let mut minor: i64 = whole.parse().map_err(|_| CoreError::Overflow)?;
        for i in 0..exp {
            let d = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(d))
                .ok_or(CoreError::Overflow)?;
        }
        Ok(Money {
            minor: if neg { -minor } else { minor },
            currency,
        })
    }

    /// The amount as a plain decimal string without symbol, e.g. `"49.00"` or `"1500"` (JPY).
    /// Locale-aware display is the widget's business; this is the canonical form.
    pub fn to_decimal_string(&self) -> String {
        let exp = u32::from(self.currency.exponent);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(Currency::new("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::new("CNY").unwrap().exponent(), 2);
        assert_eq!(Currency::new("KWD").unwrap().exponent(), 3);
        assert!(matches!(
            Currency::new("XYZ"),
            Err(CoreError::UnknownCurrency(_))
        ));
        assert!(Currency::new("usd").is_err(), "codes are upper case");
    }

    #[test]
    fn decimal_strings_use_the_exponent() {
        let jpy = Currency::new("JPY").unwrap();
        let kwd = Currency::new("KWD").unwrap();
        let eur = Currency::new("EUR").unwrap();
        assert_eq!(Money::new(1500, jpy).to_decimal_string(), "1500");
        assert_eq!(Money::new(12_345, kwd).to_decimal_string(), "12.345");
        assert_eq!(Money::new(5, eur).to_decimal_string(), "0.05");
        assert_eq!(Money::new(-4900, eur).to_decimal_string(), "-49.00");
    }

    #[test]
    fn decimal_strings_parse_exactly() {
        let kwd = Currency::new("KWD").unwrap();
        let jpy = Currency::new("JPY").unwrap();
        let eur = Currency::new("EUR").unwrap();
        assert_eq!(
            Money::from_decimal_str("12.345", kwd).unwrap().minor,
            12_345
        );
        assert_eq!(Money::from_decimal_str("12.3", kwd).unwrap().minor, 12_300);
        assert_eq!(Money::from_decimal_str("1500", jpy).unwrap().minor, 1_500);
        assert_eq!(Money::from_decimal_str("-0.05", eur).unwrap().minor, -5);
        for bad in ["", "1.", ".5", "1.234", "1,00", "abc", "--1", "1e3"] {
            assert!(Money::from_decimal_str(bad, eur).is_err(), "{bad}");
        }
        assert!(
            Money::from_decimal_str("1.5", jpy).is_err(),
            "yen have no decimals"
        );
        assert_eq!(
            Money::from_decimal_str("99999999999999999999", eur),
            Err(CoreError::Overflow)
        );
        for m in [0, 1, -1, 12_345, i64::MAX / 10] {
            let money = Money::new(m, kwd);
            assert_eq!(
                Money::from_decimal_str(&money.to_decimal_string(), kwd).unwrap(),
                money
            );
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let eur = Currency::new("EUR").unwrap();
        let usd = Currency::new("USD").unwrap();
        let a = Money::new(i64::MAX, eur);
        assert_eq!(a.checked_add(Money::new(1, eur)), Err(CoreError::Overflow));
        assert!(matches!(
            Money::new(1, eur).checked_add(Money::new(1, usd)),
            Err(CoreError::CurrencyMismatch { .. })
        ));
        assert_eq!(Money::new(250, eur).checked_mul(3).unwrap().minor, 750);
        assert_eq!(a.checked_mul(2), Err(CoreError::Overflow));
    }

    #[test]
    fn allocation_sums_exactly_and_is_fair() {
        let eur = Currency::new("EUR").unwrap();
        let shares = Money::new(1000, eur).allocate_evenly(3);
        assert_eq!(
            shares.iter().map(|m| m.minor).collect::<Vec<_>>(),
            vec![334, 333, 333]
        );
        let neg = Money::new(-1000, eur).allocate_evenly(3);
        assert_eq!(neg.iter().map(|m| m.minor).sum::<i64>(), -1000);
        assert!(Money::new(5, eur).allocate_evenly(0).is_empty());
    }

    #[test]
    fn basis_points_round_half_away_from_zero() {
        let kwd = Currency::new("KWD").unwrap();
        assert_eq!(
            Money::new(12_345, kwd)
                .checked_basis_points(1_000)
                .unwrap()
                .minor,
            1_235
        ); // 1234.5
        assert_eq!(
            Money::new(12_344, kwd)
                .checked_basis_points(1_000)
                .unwrap()
                .minor,
            1_234
        );
        assert_eq!(
            Money::new(-12_345, kwd)
                .checked_basis_points(1_000)
                .unwrap()
                .minor,
            -1_235
        );
        let jpy = Currency::new("JPY").unwrap();
        assert_eq!(
            Money::new(999, jpy)
                .checked_basis_points(1_500)
                .unwrap()
                .minor,
            150
        ); // 149.85
    }

    #[test]
    fn currency_round_trips_through_json() {
        let m = Money::new(4900, Currency::new("CNY").unwrap());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"minor":4900,"currency":"CNY"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"ABC"}"#).is_err());
    }
}
