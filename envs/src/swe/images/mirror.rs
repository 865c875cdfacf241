//! Which Debian mirror this machine uses, read from its apt configuration, so the base image is
//! bootstrapped from the same (possibly private) mirror with no registry involved.

use std::path::Path;

/// The first Debian archive URI in the apt sources under `apt_dir` (normally `/etc/apt`): the
/// one-line `sources.list` format and the deb822 `*.sources` format are both read. Security and
/// third-party archives (whose path does not end in `/debian`) are skipped.
pub fn debian_mirror(apt_dir: &Path) -> Option<String> {
    let mut files = vec![apt_dir.join("sources.list")];
    if let Ok(entries) = std::fs::read_dir(apt_dir.join("sources.list.d")) {
        let mut more: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        files.extend(more);
    }
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| uris(&text))
        .find(|uri| uri.trim_end_matches('/').ends_with("/debian"))
}

/// Every archive URI in one sources file, in order.
fn uris(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("URIs:") {
            found.extend(rest.split_whitespace().map(str::to_owned));
        } else if let Some(rest) = line.strip_prefix("deb ") {
            // `deb [options] URI suite components`
            let mut words = rest.split_whitespace().peekable();
            if words.peek().is_some_and(|w| w.starts_with('[')) {
                for w in words.by_ref() {
                    if w.ends_with(']') {
                        break;
                    }
                }
            }
            if let Some(uri) = words.next() {
                found.push(uri.to_owned());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_source_formats_and_skips_other_archives() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sources.list"),
            "# deb http://old.example/debian bookworm main\ndeb [arch=amd64] https://apt.example/repo stable main\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("sources.list.d")).unwrap();
        std::fs::write(
            dir.path().join("sources.list.d/debian.sources"),
            "Types: deb\nURIs: http://mirror.example/debian-security\n\nTypes: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n",
        )
        .unwrap();
        assert_eq!(
            debian_mirror(dir.path()).as_deref(),
            Some("http://mirror.example/debian")
        );
    }

    #[test]
    fn no_sources_means_no_mirror() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(debian_mirror(dir.path()), None);
    }
}
