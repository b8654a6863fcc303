//! The sensitive-word list screening reads (`Words`), kept by editors.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::screening::SensitiveWord;

#[async_trait]
pub trait Words: Send + Sync {
    async fn sensitive_words(&self) -> StoreResult<Vec<SensitiveWord>>;
    async fn add_sensitive_word(
        &self,
        word: &str,
        category: &str,
        severity: &str,
        now: i64,
    ) -> StoreResult<()>;
    async fn delete_sensitive_word(&self, id: i64) -> StoreResult<()>;
}
