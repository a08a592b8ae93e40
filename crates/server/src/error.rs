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

impl From<silkroute_route::RouteError> for AppError {
    /// 404 for no route, 400 for a contradiction or a parameter that does not apply.
    fn from(e: silkroute_route::RouteError) -> AppError {
        use silkroute_route::RouteError;
        match e {
            RouteError::NoRoute { .. } => {
                AppError::new(StatusCode::NOT_FOUND, "no_route", e.to_string())
            }
            RouteError::Contradiction(m) => {
                AppError::new(StatusCode::BAD_REQUEST, "contradiction", m)
            }
            RouteError::Invalid(p) => p.into(),
        }
    }
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

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (`unknown_place`, `invalid_parameter`, `unknown_parameter`,
    /// `missing_parameter`, `no_route`, …).
    pub code: String,
    /// What is wrong, for humans.
    pub message: String,
    /// The request parameter at fault, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// For unknown places: the closest names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

/// A place the client may have meant.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// Place id.
    pub id: String,
    /// English name.
    pub name: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                param: self.param,
                suggestions: self
                    .suggestions
                    .into_iter()
                    .map(|(id, name)| Suggestion { id, name })
                    .collect(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // overloaded or timed out: worth retrying shortly
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}
