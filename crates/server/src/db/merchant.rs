//! The merchant's side: API tokens (stored as SHA-256 hashes, shown once) and the case list.

use super::follow::MerchantCase;
use super::{parse_time, DbError, Store};
use aftersales_core::case::CaseKind;
use aftersales_core::lifecycle::Status;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

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
    pub fn create_token(
        &mut self,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
    ) -> Result<String, DbError> {
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw)
            .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
        let token = format!("ast_{}", crate::hex(&raw));
        self.conn.execute(
            "INSERT INTO merchant_tokens (name, hash, scope, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, hash(&token), scope.code(), now.to_rfc3339()],
        )?;
        Ok(token)
    }

    /// Revokes every token with this name; how many were.
    pub fn revoke_token(&mut self, name: &str, now: DateTime<Utc>) -> Result<usize, DbError> {
        Ok(self.conn.execute(
            "UPDATE merchant_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            params![name, now.to_rfc3339()],
        )?)
    }

    /// The scope of a live token, `None` for an unknown or revoked one.
    pub fn token_scope(&self, token: &str) -> Result<Option<TokenScope>, DbError> {
        let scope: Option<String> = self
            .conn
            .query_row(
                "SELECT scope FROM merchant_tokens WHERE hash = ?1 AND revoked_at IS NULL",
                [hash(token)],
                |r| r.get(0),
            )
            .optional()?;
        Ok(scope.as_deref().and_then(TokenScope::parse))
    }

    /// Cases matching `filter`, newest first, with the cursor of the next page.
    pub fn list_cases(
        &self,
        filter: &CaseFilter,
    ) -> Result<(Vec<MerchantCase>, Option<i64>), DbError> {
        let limit = filter.limit.clamp(1, 200);
        let overdue = filter.overdue_at.map(|t| t.to_rfc3339());
        let mut stmt = self.conn.prepare(
            "SELECT id, tracking_number, kind, status, order_number, created_at, respond_by,
                    resolve_by, follow_up, needs_review
             FROM cases
             WHERE (?1 IS NULL OR status = ?1)
               AND (?2 IS NULL OR kind = ?2)
               AND (?3 = 0 OR follow_up = 1)
               AND (?4 IS NULL OR (
                     status NOT IN ('resolved', 'confirmed_by_shopper', 'rejected', 'withdrawn', 'closed')
                     AND ((status = 'submitted' AND respond_by <= ?4)
                          OR (status <> 'submitted' AND resolve_by IS NOT NULL AND resolve_by <= ?4))))
               AND (?5 IS NULL OR id < ?5)
             ORDER BY id DESC LIMIT ?6",
        )?;
        let kind = filter.kind.map(|k| k.code());
        let rows = stmt
            .query_map(
                params![
                    filter.status.map(Status::code),
                    kind,
                    filter.follow_up,
                    overdue,
                    filter.before,
                    i64::from(limit) + 1
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, bool>(8)?,
                        r.get::<_, bool>(9)?,
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let more = rows.len() > limit as usize;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = None;
        for (id, tn, kind, status, order, created, respond, resolve, fu, review) in
            rows.into_iter().take(limit as usize)
        {
            last = Some(id);
            out.push(MerchantCase {
                tracking_number: tn,
                kind: super::follow::kind_of(&kind)?,
                status: super::follow::status_of(&status)?,
                order_number: order,
                created_at: parse_time(&created)?,
                respond_by: parse_time(&respond)?,
                resolve_by: resolve.as_deref().map(parse_time).transpose()?,
                follow_up: fu,
                needs_review: review,
            });
        }
        Ok((out, if more { last } else { None }))
    }
}
