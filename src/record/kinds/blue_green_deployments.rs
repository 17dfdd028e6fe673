//! The `blue-green-deployments` kind (DescribeBlueGreenDeployments): each blue/green
//! deployment, its source and target, switchover details and tasks.

use aws_sdk_rds::types::{BlueGreenDeployment, BlueGreenDeploymentTask, SwitchoverDetail};

use super::{Calls, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::ItemRecord;
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, Source};
use crate::record::sdk_types::sdk_structs;
use crate::record::shape::Shape;
use crate::record::shared_fields;
use crate::record::value::{FieldValue, TagView};

/// One blue/green deployment.
pub type BlueGreenDeploymentRecord = ItemRecord<BlueGreenDeployment>;

const CALL: &str = "DescribeBlueGreenDeployments BlueGreenDeployment";

macro_rules! m {
    ($($member:tt)*) => { member!(BlueGreenDeployment, CALL, $($member)*) };
}

sdk_structs! {
    SwitchoverDetail { source_member, target_member, status }
    BlueGreenDeploymentTask { name, status }
}

#[rustfmt::skip]
const FIELDS: &[Field<BlueGreenDeploymentRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the deployment was listed in"),
    m!(blue_green_deployment_identifier, "BlueGreenDeploymentIdentifier", "the deployment's system-generated id (`bgd-...`)"),
    m!(blue_green_deployment_name, "BlueGreenDeploymentName", "the deployment's name"),
    m!(source, "Source", "ARN of the blue (production) DB instance or cluster"),
    m!(target, "Target", "ARN of the green (staging) DB instance or cluster"),
    m!(switchover_details, "SwitchoverDetails", "each blue member, its green member and its switchover status"),
    m!(tasks, "Tasks", "the deployment's tasks and their status"),
    m!(status, "Status", "e.g. `AVAILABLE`, `SWITCHOVER_IN_PROGRESS`, `SWITCHOVER_COMPLETED`, `INVALID_CONFIGURATION`"),
    m!(status_details, "StatusDetails", "why the status is what it is"),
    m!(create_time, "CreateTime", "when the deployment was created"),
    m!(delete_time, "DeleteTime", "when the deployment was deleted"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.item.tag_list)),
    },
];

impl Record for BlueGreenDeploymentRecord {
    const SPEC: KindSpec = KindSpec {
        name: "blue-green-deployments",
        noun: "blue/green deployment",
        about: "blue/green deployments: source, target, switchover status",
        call: "DescribeBlueGreenDeployments",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeBlueGreenDeployments"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_blue_green_deployments",
            help: "Blue/green deployments listed by the last run, by account, region and kind.",
            label: MetricLabel::Kind,
            always: false,
        },
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "blue_green_deployment_name",
        "status",
        "source",
        "target",
        "create_time",
    ];
    // The identifier is generated and never changes: there is no rename to tell apart.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "blue_green_deployment_identifier",
        rename: "blue_green_deployment_identifier",
        volatile: &[],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    fn engine(&self) -> Option<&str> {
        None
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.item.tag_list)
    }
}

impl Kind for BlueGreenDeploymentRecord {
    type Item = BlueGreenDeployment;

    // No MaxRecords: AWS's default is the largest page (100) already, and moto 5.2.5 answers
    // 500 to a DescribeBlueGreenDeployments that sends one.
    async fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> Result<Listed<Self::Item>, C::Failure> {
        let page = calls
            .call(|client, signed| {
                client
                    .describe_blue_green_deployments()
                    .set_marker(marker.clone())
                    .customize()
                    .config_override(signed)
                    .send()
            })
            .await?;
        Ok(Listed {
            items: page.blue_green_deployments.unwrap_or_default(),
            marker: page.marker,
        })
    }

    fn from_item(place: &Place<'_>, mut item: Self::Item) -> Self {
        TagView::sort(&mut item.tag_list);
        ItemRecord::new(place, item)
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        BlueGreenDeployment::builder().build()
    }

    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        nested_structs()
    }
}
