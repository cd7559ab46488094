//! The register as TOML (`[[agreement]]` with `[[agreement.supplier]]`
//! and `[[agreement.deviation]]`), read into drafts as written.

use super::{model, Draft, DraftSupplier, Origin};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlRegister {
    #[serde(default, rename = "agreement")]
    agreements: Vec<TomlAgreement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlAgreement {
    id: toml::Value,
    name: Option<String>,
    valid_from: Option<toml::Value>,
    valid_to: Option<toml::Value>,
    basis: Option<String>,
    tolerance_pp: Option<toml::Value>,
    accounts: Option<Vec<toml::Value>>,
    ceiling_sek: Option<toml::Value>,
    estimated_sek: Option<toml::Value>,
    ceiling_warn_pct: Option<toml::Value>,
    shared_ceiling: Option<toml::Value>,
    model: Option<String>,
    fku_threshold_sek: Option<toml::Value>,
    #[serde(default, rename = "supplier")]
    suppliers: Vec<TomlSupplier>,
    #[serde(default, rename = "deviation")]
    deviations: Vec<model::TomlDeviation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSupplier {
    name: String,
    org_nr: Option<toml::Value>,
    share: Option<toml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    rank: Option<toml::Value>,
}

pub(super) fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    }
}

/// Parses a TOML register into drafts (public for the fuzz targets).
pub fn drafts_from_toml(text: &str) -> std::result::Result<Vec<Draft>, String> {
    let raw: TomlRegister = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(raw
        .agreements
        .into_iter()
        .enumerate()
        .map(|(i, a)| Draft {
            origin: Origin::Toml(i + 1),
            id: toml_text(&a.id),
            name: a.name,
            valid_from: a.valid_from.as_ref().map(toml_text),
            valid_to: a.valid_to.as_ref().map(toml_text),
            basis: a.basis,
            tolerance_pp: a.tolerance_pp.as_ref().map(toml_text),
            accounts: a.accounts.map(|v| v.iter().map(toml_text).collect()),
            ceiling_sek: a.ceiling_sek.as_ref().map(toml_text),
            estimated_sek: a.estimated_sek.as_ref().map(toml_text),
            ceiling_warn_pct: a.ceiling_warn_pct.as_ref().map(toml_text),
            shared_ceiling: a.shared_ceiling.as_ref().map(toml_text),
            model: a.model,
            fku_threshold_sek: a.fku_threshold_sek.as_ref().map(toml_text),
            deviations: a
                .deviations
                .into_iter()
                .enumerate()
                .map(|(n, d)| d.draft(n + 1))
                .collect(),
            suppliers: a
                .suppliers
                .into_iter()
                .map(|s| DraftSupplier {
                    name: s.name,
                    org_nr: s.org_nr.as_ref().map(toml_text),
                    share: s.share.as_ref().map(toml_text),
                    aliases: s.aliases,
                    share_number: None,
                    rank: s.rank.as_ref().map(toml_text),
                    share_formula: None,
                })
                .collect(),
        })
        .collect())
}
