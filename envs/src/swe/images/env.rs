//! Environment images: one per (repository, environment), built `FROM` the base image with the
//! wheelhouse installed into a venv and the repository's git history at `/testbed`. Instances check
//! out their `base_commit` inside the container, so one image serves every instance of the pair.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bollard::query_parameters::BuildImageOptionsBuilder;
use bollard::Docker;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use crate::swe::docker::{LABEL_KIND, LABEL_OWNER};
use crate::swe::environment_spec::EnvironmentSpec;
use crate::swe::error::{SweError, SweResult};
use crate::swe::images::base::{hex, run_host, EVAL_UID};
use crate::swe::images::{image_exists, wheelhouse, IMAGE_PREFIX};

/// Bump when the Dockerfile below changes.
const RECIPE_VERSION: &str = "1";

/// The git directory of the clone of `spec.repo` under `repos`: `<repos>/<owner__name>/.git` or a
/// bare `<repos>/<owner__name>` / `<repos>/<owner__name>.git`.
pub fn git_dir(repos: &Path, spec: &EnvironmentSpec) -> SweResult<PathBuf> {
    clone_git_dir(repos, &spec.repo)
}

/// The git directory of the clone of `repo` (`owner/name`) under `repos`, as [`git_dir`].
pub fn clone_git_dir(repos: &Path, repo: &str) -> SweResult<PathBuf> {
    let name = repo.replace('/', "__");
    let candidates = [
        repos.join(&name).join(".git"),
        repos.join(&name),
        repos.join(format!("{name}.git")),
    ];
    candidates
        .into_iter()
        .find(|p| p.join("HEAD").is_file() && p.join("objects").is_dir())
        .ok_or_else(|| {
            SweError::Input(format!(
                "no git clone of {repo} under {} (expected {}/{name})",
                repos.display(),
                repos.display()
            ))
        })
}

/// `rlvr-swe-env.<owner__name>:<version>-<hash>`: the hash covers the base tag, the spec, the
/// wheels and every ref of the clone.
pub async fn tag(
    base_tag: &str,
    spec: &EnvironmentSpec,
    git: &Path,
    wheels: &[(String, String)],
) -> SweResult<String> {
    let refs = run_host(
        "git",
        &[
            "--git-dir",
            &git.to_string_lossy(),
            "for-each-ref",
            "--format=%(objectname) %(refname)",
        ],
    )
    .await?;
    let head = run_host(
        "git",
        &["--git-dir", &git.to_string_lossy(), "rev-parse", "HEAD"],
    )
    .await?;
    let mut h = Sha256::new();
    h.update(RECIPE_VERSION);
    h.update(base_tag);
    h.update(serde_json::to_vec(spec).expect("spec serializes"));
    for (name, digest) in wheels {
        h.update(name);
        h.update(digest);
    }
    h.update(refs);
    h.update(head);
    let version: String = spec
        .version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(format!(
        "{IMAGE_PREFIX}env.{}:{version}-{}",
        spec.repo_dir_name().to_lowercase(),
        hex(&h.finalize()[..8])
    ))
}

fn dockerfile(base_tag: &str, spec: &EnvironmentSpec) -> String {
    let pythonpath: Vec<String> = spec
        .pythonpath
        .iter()
        .map(|p| {
            if p == "." {
                "/testbed".to_owned()
            } else {
                format!("/testbed/{p}")
            }
        })
        .collect();
    let mut lines = vec![
        format!("FROM {base_tag}"),
        "COPY wheels /opt/wheels".to_owned(),
        "RUN python3 -m venv /opt/venv".to_owned(),
    ];
    if !spec.pip_packages.is_empty() {
        let quoted: Vec<String> = spec.pip_packages.iter().map(|p| shell_quote(p)).collect();
        lines.push(format!(
            "RUN /opt/venv/bin/pip install --disable-pip-version-check --no-index --find-links /opt/wheels {}",
            quoted.join(" ")
        ));
    }
    lines.push(format!(
        "COPY --chown={EVAL_UID}:{EVAL_UID} repo.git /testbed/.git"
    ));
    lines.push(format!(
        "RUN chown {EVAL_UID}:{EVAL_UID} /testbed && git -C /testbed config core.bare false"
    ));
    lines.push("ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned());
    if !pythonpath.is_empty() {
        lines.push(format!("ENV PYTHONPATH={}", pythonpath.join(":")));
    }
    lines.push("ENV PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 TZ=UTC".to_owned());
    lines.push("WORKDIR /testbed".to_owned());
    lines.join("\n") + "\n"
}

/// Single-quotes a word for a shell.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// Builds the environment image of `spec` unless present; returns its tag.
pub async fn ensure(
    docker: &Docker,
    base_tag: &str,
    spec: &EnvironmentSpec,
    repos: &Path,
) -> SweResult<String> {
    let git = git_dir(repos, spec)?;
    let wheel_dir = wheelhouse::ensure(&spec.pip_packages, &spec.python).await?;
    let wheels = wheelhouse::wheels(&wheel_dir)?;
    let tag = tag(base_tag, spec, &git, &wheels).await?;
    if image_exists(docker, &tag).await? {
        return Ok(tag);
    }
    if !image_exists(docker, base_tag).await? {
        return Err(SweError::MissingImage {
            image: base_tag.into(),
        });
    }
    let context = build_context(&dockerfile(base_tag, spec), &wheel_dir, &wheels, &git)?;
    let labels: HashMap<&str, &str> = [
        (LABEL_OWNER, "1"),
        (LABEL_KIND, "env"),
        ("rlvr.swe.repo", spec.repo.as_str()),
    ]
    .into_iter()
    .collect();
    let options = BuildImageOptionsBuilder::new()
        .t(&tag)
        .rm(true)
        .forcerm(true)
        .networkmode("none")
        .labels(&labels)
        .build();
    let mut stream = docker.build_image(options, None, Some(bollard::body_full(context.into())));
    let mut log = String::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => {
                if let Some(line) = info.stream {
                    log.push_str(&line);
                }
                if let Some(error) = info.error {
                    return Err(SweError::ImageBuild {
                        image: tag,
                        message: format!("{error}\n{}", tail(&log, 20)),
                    });
                }
            }
            Err(e) => {
                return Err(SweError::ImageBuild {
                    image: tag,
                    message: format!("{e}\n{}", tail(&log, 20)),
                })
            }
        }
    }
    if !image_exists(docker, &tag).await? {
        return Err(SweError::ImageBuild {
            image: tag,
            message: format!("the build ended without the image\n{}", tail(&log, 20)),
        });
    }
    Ok(tag)
}

fn build_context(
    dockerfile: &str,
    wheel_dir: &Path,
    wheels: &[(String, String)],
    git: &Path,
) -> SweResult<Vec<u8>> {
    let io = |e: std::io::Error| SweError::io(git, e);
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    let mut header = tar::Header::new_gnu();
    header.set_size(dockerfile.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "Dockerfile", dockerfile.as_bytes())
        .map_err(io)?;
    let mut dir_header = tar::Header::new_gnu();
    dir_header.set_entry_type(tar::EntryType::Directory);
    dir_header.set_mode(0o755);
    dir_header.set_size(0);
    dir_header.set_cksum();
    builder
        .append_data(&mut dir_header, "wheels/", std::io::empty())
        .map_err(io)?;
    for (name, _) in wheels {
        builder
            .append_path_with_name(wheel_dir.join(name), format!("wheels/{name}"))
            .map_err(io)?;
    }
    builder.append_dir_all("repo.git", git).map_err(io)?;
    builder.into_inner().map_err(io)
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
