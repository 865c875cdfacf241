//! Which files a `diff --git` patch touches, and how: the harness restores the test files that
//! `test_patch` modifies and deletes those it adds before applying it, so a candidate patch cannot
//! pre-empt the hidden tests; and it runs the test files the test patch names.

/// How a patch touches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Deleted,
    Modified,
}

/// The files of a patch in order of appearance, each with how it changes (the `b/` path; for a
/// deletion the `a/` path).
pub fn touched_files(patch: &str) -> Vec<(String, Change)> {
    let mut files: Vec<(String, Change)> = Vec::new();
    for line in patch.lines() {
        if let Some(rest) = line.strip_prefix("diff --git ") {
            if let Some((a, b)) = split_paths(rest) {
                let _ = a;
                files.push((b, Change::Modified));
            }
        } else if let Some(last) = files.last_mut() {
            if line.starts_with("new file mode") {
                last.1 = Change::Added;
            } else if line.starts_with("deleted file mode") {
                last.1 = Change::Deleted;
            }
        }
    }
    files
}

/// `a/x b/x` (paths without spaces; quoted paths are unquoted) into the two paths sans prefixes.
fn split_paths(rest: &str) -> Option<(String, String)> {
    let rest = rest.trim();
    let b_at = rest.rfind(" b/")?;
    let a = rest[..b_at].trim().trim_matches('"');
    let b = rest[b_at + 1..].trim().trim_matches('"');
    Some((
        a.strip_prefix("a/")?.to_owned(),
        b.strip_prefix("b/")?.to_owned(),
    ))
}

/// Extensions SWE-bench never passes to the test runner (`NON_TEST_EXTS`).
const NON_TEST_EXTS: &[&str] = &[
    ".json", ".png", "csv", ".txt", ".md", ".jpg", ".jpeg", ".pkl", ".yml", ".yaml", ".toml",
];

/// The test files to run: the patch's files, minus non-test extensions and deletions.
pub fn test_directives(test_patch: &str) -> Vec<String> {
    touched_files(test_patch)
        .into_iter()
        .filter(|(path, change)| {
            *change != Change::Deleted && !NON_TEST_EXTS.iter().any(|e| path.ends_with(e))
        })
        .map(|(path, _)| path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "diff --git a/tests/test_a.py b/tests/test_a.py\nindex 1..2 100644\n--- a/tests/test_a.py\n+++ b/tests/test_a.py\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/tests/test_new.py b/tests/test_new.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/test_new.py\n@@ -0,0 +1 @@\n+z\ndiff --git a/data/fixture.json b/data/fixture.json\ndeleted file mode 100644\n";

    #[test]
    fn classifies_added_modified_and_deleted_files() {
        assert_eq!(
            touched_files(PATCH),
            vec![
                ("tests/test_a.py".to_owned(), Change::Modified),
                ("tests/test_new.py".to_owned(), Change::Added),
                ("data/fixture.json".to_owned(), Change::Deleted),
            ]
        );
    }

    #[test]
    fn directives_skip_deleted_and_non_test_files() {
        assert_eq!(
            test_directives(PATCH),
            vec!["tests/test_a.py", "tests/test_new.py"]
        );
    }
}
