//! Offline images: the Debian base (debootstrap + import) and one environment image per
//! (repository, environment), both tagged by a hash of what they are made from.

pub mod base;
pub mod env;
pub mod mirror;
pub mod wheelhouse;

use std::collections::HashMap;

use bollard::query_parameters::{ListImagesOptionsBuilder, RemoveImageOptionsBuilder};
use bollard::Docker;
use serde::Serialize;

use crate::swe::docker::{is_not_found, LABEL_KIND, LABEL_OWNER};
use crate::swe::error::{SweError, SweResult};

/// Every image of ours is named `rlvr-swe-...`.
pub const IMAGE_PREFIX: &str = "rlvr-swe-";

/// Whether the engine holds an image with this reference.
pub async fn image_exists(docker: &Docker, reference: &str) -> SweResult<bool> {
    match docker.inspect_image(reference).await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(SweError::docker(format!("inspect image {reference}"), e)),
    }
}

/// One image of ours, for `rlvr swe images list`.
#[derive(Debug, Clone, Serialize)]
pub struct ImageInfo {
    pub tag: String,
    pub kind: String,
    pub repo: Option<String>,
    /// Size of the image including shared layers, in bytes.
    pub size: i64,
    pub id: String,
}

/// Our images (by label and by name), sorted by tag.
pub async fn list(docker: &Docker) -> SweResult<Vec<ImageInfo>> {
    let filters: HashMap<&str, Vec<&str>> = [("label", vec![LABEL_OWNER])].into_iter().collect();
    let options = ListImagesOptionsBuilder::new().filters(&filters).build();
    let summaries = docker
        .list_images(Some(options))
        .await
        .map_err(|e| SweError::docker("list images", e))?;
    let mut found = Vec::new();
    for s in summaries {
        let kind = s.labels.get(LABEL_KIND).cloned().unwrap_or_default();
        let repo = s.labels.get("rlvr.swe.repo").cloned();
        for tag in s.repo_tags.iter().filter(|t| t.starts_with(IMAGE_PREFIX)) {
            found.push(ImageInfo {
                tag: tag.clone(),
                kind: kind.clone(),
                repo: repo.clone(),
                size: s.size,
                id: s.id.clone(),
            });
        }
    }
    found.sort_by(|a, b| a.tag.cmp(&b.tag));
    Ok(found)
}

/// Removes our images whose tag is not in `keep` (environment images before the base, which they
/// build on); returns the removed tags.
pub async fn prune(docker: &Docker, keep: &[String]) -> SweResult<Vec<String>> {
    let mut images = list(docker).await?;
    // Environment images first: the base cannot go while children use it.
    images.sort_by_key(|i| (i.kind == "base", i.tag.clone()));
    let mut removed = Vec::new();
    for image in images.into_iter().filter(|i| !keep.contains(&i.tag)) {
        let options = RemoveImageOptionsBuilder::new().force(false).build();
        match docker.remove_image(&image.tag, Some(options), None).await {
            Ok(_) => removed.push(image.tag),
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(SweError::docker(format!("remove image {}", image.tag), e)),
        }
    }
    Ok(removed)
}
