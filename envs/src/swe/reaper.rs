//! Finds and removes the harness's containers by label: `rlvr swe clean` removes all of them; the
//! reaper at the start of a run removes those whose owning process is gone (a crash, a SIGKILL).

use std::collections::HashMap;

use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::Docker;

use crate::swe::docker::{LABEL_OWNER, LABEL_PID};
use crate::swe::error::{SweError, SweResult};
use crate::swe::sandbox::force_remove;

/// One container of ours: id, name, owning pid.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OurContainer {
    pub id: String,
    pub name: String,
    pub pid: Option<u32>,
}

/// Every container (running or not) labelled as ours.
pub async fn list(docker: &Docker) -> SweResult<Vec<OurContainer>> {
    list_labelled(docker, LABEL_OWNER, LABEL_PID).await
}

/// Every container (running or not) carrying the label `owner`, with its owning pid read from the
/// label `pid` (the code verifier's Docker backend labels its containers the same way).
pub async fn list_labelled(
    docker: &Docker,
    owner: &str,
    pid: &str,
) -> SweResult<Vec<OurContainer>> {
    let filters: HashMap<&str, Vec<&str>> = [("label", vec![owner])].into_iter().collect();
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let containers = docker
        .list_containers(Some(options))
        .await
        .map_err(|e| SweError::docker("list containers", e))?;
    let mut found: Vec<OurContainer> = containers
        .into_iter()
        .map(|c| OurContainer {
            id: c.id.unwrap_or_default(),
            name: c
                .names
                .and_then(|n| n.first().cloned())
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_owned(),
            pid: c
                .labels
                .and_then(|l| l.get(pid).and_then(|p| p.parse().ok())),
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Removes every container of ours; returns their names.
pub async fn remove_all(docker: &Docker) -> SweResult<Vec<String>> {
    let mut removed = Vec::new();
    for c in list(docker).await? {
        force_remove(docker, &c.id).await?;
        removed.push(c.name);
    }
    Ok(removed)
}

/// Removes containers whose owner process no longer runs on this host; returns their names.
pub async fn reap_orphans(docker: &Docker) -> SweResult<Vec<String>> {
    reap_orphans_labelled(docker, LABEL_OWNER, LABEL_PID).await
}

/// [`reap_orphans`] for containers labelled `owner`, their owning pid in the label `pid`.
pub async fn reap_orphans_labelled(
    docker: &Docker,
    owner: &str,
    pid: &str,
) -> SweResult<Vec<String>> {
    let mut removed = Vec::new();
    for c in list_labelled(docker, owner, pid).await? {
        let alive = c
            .pid
            .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            force_remove(docker, &c.id).await?;
            removed.push(c.name);
        }
    }
    Ok(removed)
}

/// Removes the containers of one run (on SIGINT); returns their names.
pub async fn remove_run(docker: &Docker, run_id: &str) -> SweResult<Vec<String>> {
    let label = format!("{}={run_id}", crate::swe::docker::LABEL_RUN);
    let filters: HashMap<&str, Vec<&str>> = [("label", vec![label.as_str()])].into_iter().collect();
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let containers = docker
        .list_containers(Some(options))
        .await
        .map_err(|e| SweError::docker("list containers", e))?;
    let mut removed = Vec::new();
    for c in containers {
        if let Some(id) = c.id {
            force_remove(docker, &id).await?;
            removed.push(id);
        }
    }
    Ok(removed)
}
