//! DescribeBlueGreenDeployments: blue/green deployments of the target, each from one of its
//! instances (or a made-up one when it has none) to a green copy, with switchover details
//! and tasks.

use super::resource::{each_item, some_tags, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::inventory::{account_suffix, identifier_for};
use crate::record_parts::{emit_tags, partition, Alnum, DAY, REFERENCE_UNIX};
use crate::rng::LOWER_ALNUM;
use crate::sink::Sink;

pub(crate) const SPEC: KindSpec = KindSpec {
    kind: ResourceKind::BlueGreen,
    action: "DescribeBlueGreenDeployments",
    flag: Some("blue-green"),
    list: "BlueGreenDeployments",
    item: "member",
    marker: "bg1",
    account_wide: false,
    lookup: (
        "BlueGreenDeploymentIdentifier",
        Some("BlueGreenDeploymentNotFoundFault"),
    ),
    status_filter: false,
    generate: deployments,
    serve: Serve::List,
};

/// (deployment Status, SwitchoverDetail Status), cycled by index.
const STATUSES: [(&str, &str); 3] = [
    ("AVAILABLE", "AVAILABLE"),
    ("PROVISIONING", "PROVISIONING"),
    ("SWITCHOVER_COMPLETED", "SWITCHOVER_COMPLETED"),
];

struct Deployment {
    identifier: String,
    name: String,
    source: String,
    target: String,
    statuses: (&'static str, &'static str),
    created: i64,
    tags: Vec<(String, String)>,
}

fn deployments(
    config: &FakeConfig,
    generation: u64,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let (account, region) = (config.accounts[a].as_str(), config.regions[r].as_str());
    let p = partition(region);
    let instances = config.instance_count_in(generation, a, r);
    each_item(
        config,
        ResourceKind::BlueGreen,
        (a, r),
        count,
        |index, rng| {
            let blue = if index < instances {
                config.instance_in(generation, a, r, index).identifier
            } else {
                identifier_for(account, region, 9000 + index)
            };
            let green = format!("{blue}-green-{}", Alnum(rng.next_u64(), 6));
            let arn_of = |id: &str| format!("arn:{p}:rds:{region}:{account}:db:{id}");
            let identifier = format!("bgd-{}", rng.string_from(LOWER_ALNUM, 16));
            let statuses = STATUSES[index % STATUSES.len()];
            let deployment = Deployment {
                name: format!("bg-{}-{region}-{index:02}", account_suffix(account)),
                source: arn_of(&blue),
                target: arn_of(&green),
                statuses,
                created: REFERENCE_UNIX - (1 + rng.below(60) as i64) * DAY,
                tags: some_tags(rng),
                identifier: identifier.clone(),
            };
            let arn = format!("arn:{p}:rds:{region}:{account}:deployment:{identifier}");
            ((identifier, arn, statuses.0.to_string()), deployment)
        },
    )
}

impl Emit for Deployment {
    fn emit<S: Sink>(&self, s: &mut S) {
        s.text(
            "BlueGreenDeploymentIdentifier",
            "blue_green_deployment_identifier",
            Some(&self.identifier),
        );
        s.text(
            "BlueGreenDeploymentName",
            "blue_green_deployment_name",
            Some(&self.name),
        );
        s.text("Source", "source", Some(&self.source));
        s.text("Target", "target", Some(&self.target));
        s.list(
            "SwitchoverDetails",
            "switchover_details",
            Some(1),
            |s, _| {
                s.item_object("member", |s| {
                    s.text("SourceMember", "source_member", Some(&self.source));
                    s.text("TargetMember", "target_member", Some(&self.target));
                    s.text("Status", "status", Some(self.statuses.1));
                })
            },
        );
        let tasks = [
            ("CREATING_READ_REPLICA_OF_SOURCE", "COMPLETED"),
            ("DB_ENGINE_VERSION_UPGRADE", "COMPLETED"),
        ];
        s.list("Tasks", "tasks", Some(tasks.len()), |s, i| {
            s.item_object("member", |s| {
                s.text("Name", "name", Some(tasks[i].0));
                s.text("Status", "status", Some(tasks[i].1));
            })
        });
        s.text("Status", "status", Some(self.statuses.0));
        s.text_fmt(
            "StatusDetails",
            "status_details",
            Some(format_args!("Blue/green deployment {}", self.statuses.0)),
        );
        s.time("CreateTime", "create_time", Some(self.created));
        // Every member is set; AWS would report DeleteTime only once deleted.
        s.time("DeleteTime", "delete_time", Some(self.created + 90 * DAY));
        emit_tags(s, &self.tags);
    }
}
