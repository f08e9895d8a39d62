//! The blocklist as Radarr's `/api/v3/blocklist` shows it: releases that will not be grabbed
//! again (the decision engine rejects them by info-hash or guid), newest first; deleting an
//! entry lets the release be grabbed again.

use super::{LibraryService, Result, ServiceError};
use crate::domain::movie::BlocklistEntry;

impl LibraryService {
    /// Every entry, newest first; only movie `movie_id`'s when given (which must exist).
    pub async fn blocklist(&self, movie_id: Option<i64>) -> Result<Vec<BlocklistEntry>> {
        if let Some(id) = movie_id {
            self.movie(id).await?;
        }
        Ok(self.store.blocklist(movie_id).await?)
    }

    /// Deletes entries `ids`, all or none: an unknown id is a 404 naming it before anything
    /// is deleted.
    pub async fn delete_blocklist(&self, ids: &[i64]) -> Result<()> {
        let all = self.store.blocklist(None).await?;
        if let Some(id) = ids.iter().find(|id| !all.iter().any(|b| b.id == **id)) {
            return Err(ServiceError::NotFound(format!("no blocklist entry {id}")));
        }
        for id in ids {
            self.store.delete_blocklist(*id).await?;
        }
        Ok(())
    }
}
