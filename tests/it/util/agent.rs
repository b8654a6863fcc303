//! A signed-in newsroom user, driving the app through its forms.

use axum::body::Body;
use axum::http::{Request, header};
use gazette::db::NewUser;
use gazette::domain::user::{Role, Scope};

use super::{TestApp, TestResponse};

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Agent<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// Create an account with the test password.
    pub async fn add_user(&self, username: &str, roles: &[Role], sites: &[&str]) -> i64 {
        let user = NewUser {
            username: username.into(),
            display_name: format!("{username}名"),
            password_hash: gazette::accounts::hash_password(PASSWORD).unwrap(),
            roles: roles.to_vec(),
            scopes: sites
                .iter()
                .map(|s| Scope {
                    site_id: s.to_string(),
                    channel_path: None,
                })
                .collect(),
        };
        self.state
            .store
            .create_user(&user, self.state.now())
            .await
            .expect("create user")
    }

    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.request(req.body(Body::from(body)).unwrap()).await
    }

    /// Post the login form: the answer as it comes (303 when signed in).
    pub async fn sign_in(&self, username: &str, password: &str) -> TestResponse {
        self.post_form(
            "/admin/login",
            None,
            &[
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        .await
    }

    /// Sign in through the login form.
    pub async fn login(&self, username: &str) -> Agent<'_> {
        self.login_with(username, PASSWORD).await
    }

    /// Sign in with a given password and read the session's CSRF token.
    pub async fn login_with(&self, username: &str, password: &str) -> Agent<'_> {
        let resp = self.sign_in(username, password).await;
        assert_eq!(resp.status, 303, "login of {username}: {}", resp.body);
        let set = resp
            .header("set-cookie")
            .expect("session cookie")
            .to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        let dash = self.get_with_cookie("/admin/", &cookie).await;
        assert_eq!(dash.status, 200, "{}", dash.body);
        let csrf = dash
            .select_attr("input[name=_csrf]", "value")
            .first()
            .cloned()
            .expect("csrf field");
        Agent {
            app: self,
            cookie,
            csrf,
        }
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> TestResponse {
        self.request(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

impl Agent<'_> {
    pub async fn get(&self, path: &str) -> TestResponse {
        self.app.get_with_cookie(path, &self.cookie).await
    }

    /// Post a form with this session's CSRF token.
    pub async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        self.app.post_form(path, Some(&self.cookie), &all).await
    }

    /// Create a story through the editor form; returns its id.
    pub async fn write(&self, channel_id: i64, title: &str, body: &str) -> i64 {
        let channel = channel_id.to_string();
        let resp = self
            .post(
                "/admin/stories/new",
                &[
                    ("title", title),
                    ("byline_role", "记者"),
                    ("byline_name", "丁春贵"),
                    ("byline_role", "通讯员"),
                    ("byline_name", "张月月"),
                    ("source", "滨州日报/滨州网讯"),
                    ("editor", "闫晓亮"),
                    ("channel_id", &channel),
                    ("tags", "职业教育,产教融合"),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(resp.status, 303, "{}", resp.body);
        let loc = resp.header("location").unwrap();
        loc.trim_start_matches("/admin/stories/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// The current version of a story (for the forms).
    pub async fn version(&self, id: i64) -> String {
        self.app
            .state
            .store
            .work_state(id)
            .await
            .unwrap()
            .unwrap()
            .article
            .version
            .to_string()
    }

    pub async fn act(&self, id: i64, action: &str, opinion: &str) -> TestResponse {
        let v = self.version(id).await;
        self.post(
            &format!("/admin/stories/{id}/act"),
            &[("action", action), ("opinion", opinion), ("version", &v)],
        )
        .await
    }
}
