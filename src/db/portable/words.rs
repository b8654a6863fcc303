//! The sensitive-word list (`db::Words`), compiled once per backend.

use async_trait::async_trait;

use super::StoreImpl;
use crate::db::{StoreResult, Words};
use crate::domain::screening::SensitiveWord;

#[async_trait]
impl Words for StoreImpl {
    async fn sensitive_words(&self) -> StoreResult<Vec<SensitiveWord>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, word, category, severity FROM sensitive_words ORDER BY severity, word",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, word, category, severity)| SensitiveWord {
                id,
                word,
                category,
                severity,
            })
            .collect())
    }

    async fn add_sensitive_word(
        &self,
        word: &str,
        category: &str,
        severity: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sensitive_words (word, category, severity, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (word) DO UPDATE SET category = excluded.category, severity = excluded.severity",
        )
        .bind(word)
        .bind(category)
        .bind(severity)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_sensitive_word(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sensitive_words WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
