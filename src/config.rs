//! The widget's configuration, as the embedding page gives it (JSON).

use serde::Deserialize;

/// Settings of one widget instance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetConfig {
    /// Root URL of the `/v1` API: `""` (default) for the page's own origin, a path such as
    /// `/shop-api`, or an absolute `https://…` URL.
    #[serde(default)]
    pub api_base: String,
}

impl WidgetConfig {
    /// Parses and checks a configuration. An empty string means all defaults.
    ///
    /// # Errors
    /// One sentence naming the setting and what was expected.
    pub fn parse(json: &str) -> Result<WidgetConfig, String> {
        let json = if json.trim().is_empty() { "{}" } else { json };
        let config: WidgetConfig = serde_json::from_str(json)
            .map_err(|e| format!("after-sales widget configuration: {e}"))?;
        let base = &config.api_base;
        let ok = base.is_empty()
            || base.starts_with('/')
            || base.starts_with("https://")
            || base.starts_with("http://");
        if !ok {
            return Err(format!(
                "after-sales widget configuration: api_base must be empty, a path starting with '/', or an http(s):// URL; got {base:?}"
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_accepts_defaults_and_rejects_mistakes_clearly() {
        assert_eq!(WidgetConfig::parse("").unwrap().api_base, "");
        assert_eq!(
            WidgetConfig::parse(r#"{"api_base":"/api"}"#)
                .unwrap()
                .api_base,
            "/api"
        );
        let typo = WidgetConfig::parse(r#"{"apiBase":"/api"}"#).unwrap_err();
        assert!(typo.contains("apiBase"), "{typo}");
        let scheme = WidgetConfig::parse(r#"{"api_base":"ftp://x"}"#).unwrap_err();
        assert!(
            scheme.contains("api_base") && scheme.contains("ftp://x"),
            "{scheme}"
        );
        assert!(WidgetConfig::parse("{not json").is_err());
        assert!(WidgetConfig::parse(r#"{"api_base": 5}"#).is_err());
    }
}
