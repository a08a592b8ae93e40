//! API errors as JSON: `{"error": {"code": "...", "message": "...", "param": "..."}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error answered to the client.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`unknown_place`, `invalid_parameter`, …).
    pub code: &'static str,
    /// What is wrong, for humans.
    pub message: String,
    /// The request parameter at fault, if any.
    pub param: Option<String>,
    /// For unknown places: `[id, name]` suggestions.
    pub suggestions: Vec<(String, String)>,
}

impl AppError {
    /// 400 for a bad parameter value.
    pub fn invalid(param: &str, message: impl Into<String>) -> AppError {
        AppError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: message.into(),
            param: Some(param.to_string()),
            suggestions: Vec::new(),
        }
    }

    /// 400 for a missing parameter.
    pub fn missing(param: &str) -> AppError {
        AppError {
            status: StatusCode::BAD_REQUEST,
            code: "missing_parameter",
            message: format!("the parameter `{param}` is required"),
            param: Some(param.to_string()),
            suggestions: Vec::new(),
        }
    }

    /// Any other status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            param: None,
            suggestions: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let suggestions = self
            .suggestions
            .iter()
            .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
            .collect();
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                param: self.param.as_deref(),
                suggestions,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
