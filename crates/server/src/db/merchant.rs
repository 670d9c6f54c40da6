//! The merchant's side: API tokens (stored as SHA-256 hashes, shown once) and the case list.

use super::follow::MerchantCase;
use super::{maybe_time_at, time_at, DbError, Store};
use aftersales_core::case::CaseKind;
use aftersales_core::lifecycle::Status;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// List and read cases.
    Read,
    /// Also move cases and write to shoppers.
    Write,
}

impl TokenScope {
    /// `read` or `write`.
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// Parses `read` or `write`.
    pub fn parse(s: &str) -> Option<TokenScope> {
        [TokenScope::Read, TokenScope::Write]
            .into_iter()
            .find(|t| t.code() == s)
    }
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only in this status.
    pub status: Option<Status>,
    /// Only of this type.
    pub kind: Option<CaseKind>,
    /// Only flagged for follow-up.
    pub follow_up: bool,
    /// Only cases whose next promise is past due at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only cases handled by this staff member (`""`: by nobody).
    pub assignee: Option<String>,
    /// Only cases submitted at or after this.
    pub created_from: Option<DateTime<Utc>>,
    /// Only cases submitted before this.
    pub created_to: Option<DateTime<Utc>>,
    /// Only cases with a row id below this (the cursor of the previous page).
    pub before: Option<i64>,
    /// At most this many (1 to 200).
    pub limit: u32,
}

fn hash(token: &str) -> String {
    crate::hex(&Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Makes a token: `ast_` and 32 random hex digits, returned once and stored hashed.
    pub async fn create_token(
        &self,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
    ) -> Result<String, DbError> {
        let token = format!("ast_{}", super::random_hex(16)?);
        sqlx::query(
            "INSERT INTO merchant_tokens (name, hash, scope, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(name)
        .bind(hash(&token))
        .bind(scope.code())
        .bind(now.to_rfc3339())
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// Revokes every token with this name; how many were.
    pub async fn revoke_token(&self, name: &str, now: DateTime<Utc>) -> Result<u64, DbError> {
        Ok(sqlx::query(
            "UPDATE merchant_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .bind(now.to_rfc3339())
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// The scope of a live token, `None` for an unknown or revoked one.
    pub async fn token_scope(&self, token: &str) -> Result<Option<TokenScope>, DbError> {
        let row =
            sqlx::query("SELECT scope FROM merchant_tokens WHERE hash = $1 AND revoked_at IS NULL")
                .bind(hash(token))
                .fetch_optional(self.pool())
                .await?;
        let scope: Option<String> = row.map(|r| r.try_get(0)).transpose()?;
        Ok(scope.as_deref().and_then(TokenScope::parse))
    }

    /// Cases matching `filter`, newest first, with the cursor of the next page.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
    ) -> Result<(Vec<MerchantCase>, Option<i64>), DbError> {
        let limit = filter.limit.clamp(1, 200);
        let rows = sqlx::query(
            "SELECT id, tracking_number, kind, status, order_number, created_at, respond_by,
                    resolve_by, follow_up, needs_review, assignee
             FROM cases
             WHERE ($1 = '' OR status = $1)
               AND ($2 = '' OR kind = $2)
               AND ($3 = 0 OR follow_up = 1)
               AND ($4 = '' OR (
                     status NOT IN ('resolved', 'confirmed_by_shopper', 'rejected', 'withdrawn', 'closed')
                     AND ((status = 'submitted' AND respond_by <= $4)
                          OR (status <> 'submitted' AND resolve_by IS NOT NULL AND resolve_by <= $4))))
               AND id < $5
               AND ($7 = '*' OR COALESCE(assignee, '') = $7)
               AND ($8 = '' OR created_at >= $8)
               AND ($9 = '' OR created_at < $9)
             ORDER BY id DESC LIMIT $6",
        )
        .bind(filter.status.map(Status::code).unwrap_or_default())
        .bind(filter.kind.map(|k| k.code()).unwrap_or_default())
        .bind(i64::from(filter.follow_up))
        .bind(filter.overdue_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        .bind(filter.before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .bind(filter.assignee.as_deref().unwrap_or("*"))
        .bind(filter.created_from.map(|t| t.to_rfc3339()).unwrap_or_default())
        .bind(filter.created_to.map(|t| t.to_rfc3339()).unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        let more = rows.len() > limit as usize;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = None;
        for r in rows.into_iter().take(limit as usize) {
            last = Some(r.try_get::<i64, _>(0)?);
            out.push(MerchantCase {
                tracking_number: r.try_get(1)?,
                kind: super::follow::kind_of(&r.try_get::<String, _>(2)?)?,
                status: super::follow::status_of(&r.try_get::<String, _>(3)?)?,
                order_number: r.try_get(4)?,
                created_at: time_at(&r, 5)?,
                respond_by: time_at(&r, 6)?,
                resolve_by: maybe_time_at(&r, 7)?,
                follow_up: r.try_get::<i64, _>(8)? != 0,
                needs_review: r.try_get::<i64, _>(9)? != 0,
                assignee: r.try_get(10)?,
            });
        }
        Ok((out, if more { last } else { None }))
    }
}
