//! The storage conformance suite's PostgreSQL half: every case of
//! `conformance` on a fresh schema of `GAZETTE_TEST_DATABASE_URL`'s
//! database (default the CI machine's 127.0.0.1:5432). Without a server
//! each case prints NOT RUN, and fails under CI.

macro_rules! on_postgres {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(app) = crate::util::TestApp::on(
                    crate::util::backend::Backend::Postgres,
                    stringify!($case),
                    None,
                )
                .await
                else {
                    return;
                };
                crate::conformance::$case(&app, crate::util::backend::Backend::Postgres).await;
            }
        )*
    };
}

crate::conformance::cases!(on_postgres);
