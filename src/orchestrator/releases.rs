//! Releases (processes): listing them and choosing the one to run
//! (`GET /odata/Releases`, `shared/uipath-api.md` "Releases").

use std::cmp::Ordering;

use serde::Deserialize;

use super::Scope;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Request};
use crate::odata;
use crate::types::Folder;
use crate::urlencode;

/// A release (process) as `GET /odata/Releases` lists it (PascalCase fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Release {
    /// Numeric id.
    pub id: i64,
    /// GUID sent as `ReleaseKey`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Package id.
    pub process_key: String,
    /// Package version.
    pub process_version: String,
}

impl Scope<'_> {
    /// Releases whose process key or name is `process` (all versions; chosen locally,
    /// so a missing version can list the ones that exist).
    pub fn releases_request(&self, process: &str) -> Request {
        let lit = odata::literal(process);
        let filter = format!("ProcessKey eq {lit} or Name eq {lit}");
        let q = urlencode::query(&[
            ("$filter", &filter),
            ("$select", "Id,Key,Name,ProcessKey,ProcessVersion"),
            ("$top", "100"),
        ]);
        self.request(Method::Get, &format!("Releases?{q}"))
    }

    /// Up to 50 releases of the folder, for the "found: ..." part of an error.
    pub fn release_names_request(&self) -> Request {
        let q = urlencode::query(&[
            ("$select", "ProcessKey"),
            ("$top", "50"),
            ("$orderby", "ProcessKey"),
        ]);
        self.request(Method::Get, &format!("Releases?{q}"))
    }
}

/// Picks the release to run: process-key matches before name matches, then the exact
/// version if one is asked for, else the newest (versions compare part by part).
pub fn choose_release(
    releases: &[Release],
    process: &str,
    version: Option<&str>,
    folder: Option<&Folder>,
) -> Result<Release> {
    let by_key: Vec<&Release> = releases
        .iter()
        .filter(|r| r.process_key == process)
        .collect();
    let candidates = if by_key.is_empty() {
        releases.iter().filter(|r| r.name == process).collect()
    } else {
        by_key
    };
    let in_folder = folder
        .map(|f| format!(" in folder {f}"))
        .unwrap_or_default();
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorCode::ProcessNotFound,
            format!("no release with process key or name \"{process}\"{in_folder}"),
        ));
    }
    let chosen = match version {
        Some(v) => candidates.iter().find(|r| r.process_version == v).copied(),
        None => candidates
            .iter()
            .copied()
            .max_by(|a, b| compare_versions(&a.process_version, &b.process_version)),
    };
    chosen.cloned().ok_or_else(|| {
        let mut found: Vec<&str> = candidates.iter().map(|r| r.process_version.as_str()).collect();
        found.sort_by(|a, b| compare_versions(a, b));
        Error::new(
            ErrorCode::ProcessNotFound,
            format!(
                "no release of \"{process}\" with processVersion \"{}\"{in_folder}; found versions: {}",
                version.unwrap_or_default(),
                found.join(", ")
            ),
        )
    })
}

/// Compares dotted versions numerically part by part (`1.0.10` > `1.0.9`); parts that
/// are not numbers compare as text, after numbers.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<String> { s.split(['.', '-', '+']).map(str::to_string).collect() };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).map_or("0", String::as_str),
            pb.get(i).map_or("0", String::as_str),
        );
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Greater,
            (Err(_), Ok(_)) => Ordering::Less,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(key: &str, name: &str, pk: &str, v: &str) -> Release {
        Release {
            id: 1,
            key: key.into(),
            name: name.into(),
            process_key: pk.into(),
            process_version: v.into(),
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.0.10", "1.0.9"), Ordering::Greater);
        assert_eq!(compare_versions("2.0", "2.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("1.2.0", "1.10.0"), Ordering::Less);
    }

    #[test]
    fn newest_or_pinned_release_by_key_before_name() {
        let rs = vec![
            rel("a", "X", "P", "1.0.9"),
            rel("b", "Y", "P", "1.0.10"),
            rel("c", "P", "Q", "9.9"),
        ];
        assert_eq!(choose_release(&rs, "P", None, None).unwrap().key, "b");
        assert_eq!(
            choose_release(&rs, "P", Some("1.0.9"), None).unwrap().key,
            "a"
        );
        assert_eq!(choose_release(&rs, "X", None, None).unwrap().key, "a");
        let err = choose_release(&rs, "P", Some("2.0"), Some(&Folder::Path("Shared".into())))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::ProcessNotFound);
        assert!(
            err.detail.contains("found versions: 1.0.9, 1.0.10"),
            "{}",
            err.detail
        );
        assert!(err.detail.contains("in folder \"Shared\""));
    }
}
