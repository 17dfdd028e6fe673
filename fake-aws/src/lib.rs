//! A fault-injecting fake AWS endpoint for testing rds-inventory: STS `AssumeRole`, RDS
//! `DescribeDBInstances`, `DescribeDBClusters`, `DescribePendingMaintenanceActions`,
//! `DescribeDBMajorEngineVersions`, `DescribeDBSnapshots`, `DescribeDBClusterSnapshots`,
//! `DescribeDBSnapshotAttributes`, `DescribeDBClusterSnapshotAttributes`, the operations of
//! the `kinds` registry (automated backups, proxies, blue/green deployments, global clusters,
//! reserved instances, parameter groups, parameters, engine defaults),
//! Account
//! `ListRegions` and Price List `GetProducts`, spoken as the AWS SDK for Rust speaks them, bound to 127.0.0.1 only. See
//! README.md for the controls and counters.

mod api;
mod cbor;
mod cluster;
mod config;
mod counters;
mod db_instance;
mod generation;
mod inventory;
mod kinds;
mod lifecycle;
mod maintenance;
mod pricing;
mod record_parts;
mod request;
mod rng;
mod server;
mod sink;
mod snapshot;
mod time;
mod xml;

pub use api::TargetFailure;
pub use api::{utilization_profile, UtilizationProfile};
pub use cluster::{FakeCluster, FakeClusterMember};
pub use config::{ClusterEngine, FakeConfig, ResourceKind, SnapshotSharing, Target};
pub use counters::{CountersSnapshot, FaultCounts, PerSnapshot};
pub use generation::{ChangeKind, FieldChange, InventoryChange};
pub use inventory::FakeInstance;
pub use kinds::{
    engine_default_parameters, group_parameters, kind_by_flag, FakeResource,
    CLUSTER_FAMILY_DEFAULTS, CLUSTER_PARAMETER_FAMILIES, FAMILY_DEFAULTS, PARAMETER_FAMILIES,
};
pub use lifecycle::{
    expected_major_engine_lifecycle, major_engine_version, MajorEngineLifecycle, EXTENDED_SUPPORT,
    STANDARD_SUPPORT,
};
pub use record_parts::{RecordShape, CERTIFICATE_REFERENCE_TIME};
pub use snapshot::{
    FakeSnapshot, SnapshotKind, SnapshotType, OUTSIDE_ACCOUNTS, SNAPSHOT_REFERENCE_TIME,
};

use api::Shared;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A running fake endpoint; dropping it stops the server and drops every open connection.
pub struct FakeAws {
    shared: Arc<Shared>,
    address: SocketAddr,
    /// Dropping the sender is the stop signal for the accept loop and every connection.
    stop: Option<watch::Sender<()>>,
    /// Set when the fake owns its runtime (`start_in_background`).
    runtime_thread: Option<JoinHandle<()>>,
}

impl FakeAws {
    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeAws> {
        FakeAws::start_on_port(config, 0).await
    }

    /// Like `start`, on a chosen port (0 picks a free one).
    pub async fn start_on_port(config: FakeConfig, port: u16) -> std::io::Result<FakeAws> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(());
        tokio::spawn(server::serve(Arc::clone(&shared), listener, stopped));
        Ok(FakeAws {
            shared,
            address,
            stop: Some(stop),
            runtime_thread: None,
        })
    }

    /// Binds 127.0.0.1 on a free port and serves from its own multi-thread runtime on a
    /// thread of its own, so synchronous `#[test]`s (and other runtimes) can use it.
    pub fn start_in_background(config: FakeConfig) -> std::io::Result<FakeAws> {
        let std_listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        std_listener.set_nonblocking(true)?;
        let address = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-aws-worker")
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let shared = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(());
        let serving = Arc::clone(&shared);
        let runtime_thread = std::thread::Builder::new()
            .name("fake-aws".to_string())
            .spawn(move || {
                runtime.block_on(server::serve(serving, listener, stopped));
                // Dropping the runtime here drops every connection task still running.
            })?;
        Ok(FakeAws {
            shared,
            address,
            stop: Some(stop),
            runtime_thread: Some(runtime_thread),
        })
    }

    /// `http://127.0.0.1:PORT`, for the SDK's `endpoint_url` / the CLI's `--endpoint-url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A copy of all counters now.
    pub fn counters(&self) -> CountersSnapshot {
        self.shared.counters.snapshot(&self.shared.config)
    }

    /// Zeroes all counters, as `POST /_fake/reset-counters` does.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// Every access key id, secret access key and session token issued so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.issued_secrets()
    }

    /// The config the fake was started with (its `generation` is the starting one; see
    /// `served_config`).
    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// The inventory generation served now.
    pub fn generation(&self) -> u64 {
        self.shared.generation()
    }

    /// Serves another inventory generation from the next request on (0 or 1; higher values
    /// serve generation 1), as `POST /_fake/generation/N` does.
    pub fn set_generation(&self, generation: u64) {
        self.shared.set_generation(generation);
    }

    /// The config with `generation` set to the one served now: its `inventory()` and friends
    /// describe what the fake answers at this moment.
    pub fn served_config(&self) -> FakeConfig {
        FakeConfig {
            generation: self.generation(),
            ..self.shared.config.clone()
        }
    }

    /// Makes every RDS call for (account, region) fail with `failure` from the next request
    /// on, or with `None` serve it normally again; `false` if the target is not configured.
    pub fn set_target_failure(
        &self,
        account_id: &str,
        region: &str,
        failure: Option<TargetFailure>,
    ) -> bool {
        self.shared.set_target_failure(account_id, region, failure)
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.runtime_thread.take() {
            // A panic on the server thread has already been reported; nothing to add here.
            let _ = thread.join();
        }
    }
}
