//! Who may restore a snapshot: its `restore` attribute, read once for every snapshot kind.

/// Who may restore a snapshot, from its `restore` attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The attribute holds `all`.
    pub public: bool,
    /// The account ids it names, sorted, `all` left out.
    pub accounts: Vec<String>,
    /// Those of `accounts` that are neither an account of the run nor of the organization.
    pub outside: Vec<String>,
}

impl Sharing {
    /// From the `restore` attribute's values; `inside(id)` says whether an id is one of ours.
    pub fn from_restore<'a>(
        values: impl IntoIterator<Item = &'a str>,
        inside: impl Fn(&str) -> bool,
    ) -> Sharing {
        let mut public = false;
        let mut accounts = Vec::new();
        for value in values {
            if value == "all" {
                public = true;
            } else {
                accounts.push(value.to_owned());
            }
        }
        accounts.sort();
        accounts.dedup();
        let outside = accounts.iter().filter(|a| !inside(a)).cloned().collect();
        Sharing {
            public,
            accounts,
            outside,
        }
    }

    /// A snapshot that cannot be shared (automated, AWS Backup): nobody else can restore it.
    pub fn not_shareable() -> Sharing {
        Sharing::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_sorts_the_accounts_leaves_out_all_and_finds_the_outside_ones() {
        let ours = ["111111111111", "222222222222"];
        let sharing = Sharing::from_restore(
            ["999900001111", "all", "222222222222", "999900001111"],
            |id| ours.contains(&id),
        );
        assert!(sharing.public);
        assert_eq!(sharing.accounts, ["222222222222", "999900001111"]);
        assert_eq!(sharing.outside, ["999900001111"]);
        let private = Sharing::from_restore([], |_| true);
        assert_eq!(private, Sharing::not_shareable());
    }
}
