"""Custom search attributes ops filter on. No personal data goes here."""

from temporalio.common import SearchAttributeKey

ISSUE_STATUS = SearchAttributeKey.for_keyword("IssueStatus")
ESCALATION_LEVEL = SearchAttributeKey.for_int("EscalationLevel")
ISSUE_PRIORITY = SearchAttributeKey.for_keyword("IssuePriority")
ISSUE_CATEGORY = SearchAttributeKey.for_keyword("IssueCategory")
CUSTOMER_TIER = SearchAttributeKey.for_keyword("CustomerTier")
ASSIGNED_TEAM = SearchAttributeKey.for_keyword("AssignedTeam")
SLA_BREACHED = SearchAttributeKey.for_bool("SlaBreached")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")

ALL = (ISSUE_STATUS, ESCALATION_LEVEL, ISSUE_PRIORITY, ISSUE_CATEGORY, CUSTOMER_TIER, ASSIGNED_TEAM, SLA_BREACHED,
       NEXT_DEADLINE)

#: For `temporal server start-dev --search-attribute NAME=TYPE` and `operator search-attribute create`.
CLI_TYPES = {key.name: key.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_").title().replace("_", "")
             for key in ALL}
