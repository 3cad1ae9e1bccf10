use crate::error::AppResult;
use crate::service::Services;
pub async fn seed(_s: &Services) -> AppResult<String> {
    Ok(String::new())
}
