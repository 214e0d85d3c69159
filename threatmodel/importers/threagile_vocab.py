"""Threagile's enumerations and how each value maps to ours.

The lists are Threagile's own values (``pkg/types`` in its repository); the mappings are ours
and are explained in :mod:`threatmodel.importers.threagile` and ``docs/import.md``.
"""

from __future__ import annotations

TOP_LEVEL = frozenset(
    {
        "threagile_version",
        "includes",
        "title",
        "author",
        "contributors",
        "date",
        "application_description",
        "business_overview",
        "technical_overview",
        "business_criticality",
        "management_summary_comment",
        "security_requirements",
        "questions",
        "abuse_cases",
        "tags_available",
        "data_assets",
        "technical_assets",
        "trust_boundaries",
        "shared_runtimes",
        "custom_risk_categories",
        "individual_risk_categories",
        "risk_tracking",
        "diagram_tweak_nodesep",
        "diagram_tweak_ranksep",
        "diagram_tweak_edge_layout",
        "diagram_tweak_suppress_edge_labels",
        "diagram_tweak_layout_left_to_right",
        "diagram_tweak_invisible_connections_between_assets",
        "diagram_tweak_same_rank_assets",
    }
)
"""Every top-level key Threagile reads (``individual_risk_categories`` is the old name of
``custom_risk_categories``, still used by its demo)."""

SIGNATURE = ("threagile_version", "technical_assets", "data_assets", "trust_boundaries")
"""A file with none of these keys is not a Threagile model."""

CONFIDENTIALITY = {
    "public": "public",
    "internal": "internal",
    "restricted": "sensitive",
    "confidential": "sensitive",
    "strictly-confidential": "sensitive",
}
"""Threagile confidentiality → our classification (see the module docstring of
:mod:`threatmodel.importers.threagile` for why)."""

EXECUTION_ENVIRONMENT = "execution-environment"
"""The one boundary type that is not a network boundary for Threagile."""

BOUNDARY_TYPES = (
    "network-on-prem",
    "network-dedicated-hoster",
    "network-virtual-lan",
    "network-cloud-provider",
    "network-cloud-security-group",
    "network-policy-namespace-isolation",
    EXECUTION_ENVIRONMENT,
)
"""Threagile's trust boundary types."""

ASSET_TYPES = ("external-entity", "process", "datastore")

TYPE_KINDS = {"external-entity": "third_party", "process": "service", "datastore": "store"}
"""Kind by technical-asset type, when the technology does not decide it."""

TECHNOLOGY_KINDS = {
    "browser": "client",
    "client-system": "client",
    "desktop": "client",
    "devops-client": "client",
    "mobile-app": "client",
    "iot-device": "device",
    "industrial-control-actor": "device",
    "industrial-control-sensor": "device",
    "plc": "device",
    "hmi": "device",
    "ai": "ai_model",
    "database": "store",
    "data-lake": "store",
    "block-storage": "store",
    "file-server": "store",
    "local-file-system": "store",
    "identity-store-database": "store",
    "identity-store-ldap": "store",
    "operational-historian": "store",
}
"""Technologies (and their aliases below) that say more than the type does."""

TECHNOLOGY_ALIASES = {
    "web-browser": "browser",
    "client": "client-system",
    "desktop-system": "desktop",
    "iot": "iot-device",
    "programmable-logic-controller": "plc",
    "human-machine-interface": "hmi",
    "artificial-intelligence": "ai",
    "machine-learning": "ai",
    "deep-learning": "ai",
    "neural-network": "ai",
    "ml": "ai",
    "dl": "ai",
    "db": "database",
    "san": "block-storage",
    "file-storage": "file-server",
    "local-storage": "local-file-system",
    "identity-store": "identity-store-database",
    "historian": "operational-historian",
}

ASSET_FLAGS = (
    "used_as_client_by_human",
    "out_of_scope",
    "internet",
    "multi_tenant",
    "redundant",
    "custom_developed_parts",
)
"""A technical asset's boolean fields."""

LINK_FLAGS = ("vpn", "ip_filtered", "readonly", "diagram_tweak_constraint")
"""A communication link's boolean fields."""

ENCRYPTED_PROTOCOLS = frozenset(
    {
        "https",
        "wss",
        "reverse-proxy-web-protocol-encrypted",
        "jdbc-encrypted",
        "odbc-encrypted",
        "sql-access-protocol-encrypted",
        "nosql-access-protocol-encrypted",
        "binary-encrypted",
        "text-encrypted",
        "ssh",
        "ssh-tunnel",
        "smtp-encrypted",
        "pop3-encrypted",
        "imap-encrypted",
        "ftps",
        "sftp",
        "scp",
        "ldaps",
        "smb-encrypted",
        "iiop-encrypted",
        "jrmp-encrypted",
    }
)
"""The protocols Threagile itself counts as encrypted (its ``IsEncrypted``): ``transport``."""

LOCAL_PROTOCOLS = frozenset({"in-process-library-call", "local-file-access", "container-spawning"})
"""Protocols that never leave the machine: ``none``, and no network observer."""

PLAIN_PROTOCOLS = frozenset(
    {
        "unknown-protocol",
        "http",
        "ws",
        "reverse-proxy-web-protocol",
        "mqtt",
        "jdbc",
        "odbc",
        "sql-access-protocol",
        "nosql-access-protocol",
        "binary",
        "text",
        "smtp",
        "pop3",
        "imap",
        "ftp",
        "ldap",
        "jms",
        "nfs",
        "smb",
        "nrpe",
        "xmpp",
        "iiop",
        "jrmp",
    }
)
"""The other protocols Threagile knows: ``none``."""

ASSET_KEYS = frozenset(
    {
        "id",
        "description",
        "type",
        "usage",
        "used_as_client_by_human",
        "out_of_scope",
        "justification_out_of_scope",
        "size",
        "technology",
        "technologies",
        "tags",
        "internet",
        "machine",
        "encryption",
        "owner",
        "confidentiality",
        "integrity",
        "availability",
        "justification_cia_rating",
        "multi_tenant",
        "redundant",
        "custom_developed_parts",
        "data_assets_processed",
        "data_assets_stored",
        "data_formats_accepted",
        "diagram_tweak_order",
        "communication_links",
    }
)
LINK_KEYS = frozenset(
    {
        "target",
        "description",
        "protocol",
        "authentication",
        "authorization",
        "tags",
        "vpn",
        "ip_filtered",
        "readonly",
        "usage",
        "data_assets_sent",
        "data_assets_received",
        "diagram_tweak_weight",
        "diagram_tweak_constraint",
    }
)
DATA_KEYS = frozenset(
    {
        "id",
        "description",
        "usage",
        "tags",
        "origin",
        "owner",
        "quantity",
        "confidentiality",
        "integrity",
        "availability",
        "justification_cia_rating",
    }
)
BOUNDARY_KEYS = frozenset(
    {"id", "description", "type", "tags", "technical_assets_inside", "trust_boundaries_nested"}
)
RUNTIME_KEYS = frozenset({"id", "description", "tags", "technical_assets_running"})
"""The keys Threagile reads in each kind of element; others are kept as notes, with a
warning."""
