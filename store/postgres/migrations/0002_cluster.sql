-- 0002: what the nodes of a cluster share besides the board's records.

-- Events too long for a NOTIFY payload (package events/pgbus): the
-- notification carries the row's id. Pruned after a minute by the bus.
CREATE TABLE bus_spill (
	id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	body bytea       NOT NULL,
	at   timestamptz NOT NULL DEFAULT now()
);

-- The live nodes (package internal/cluster): each writes its heartbeat
-- and its sessions (a JSON array of who's online rows); a node whose
-- heartbeat is older than the cluster's node_timeout is dead, and the
-- first node to see it deletes its row, which frees its node numbers.
CREATE TABLE cluster_nodes (
	name      text COLLATE "C" PRIMARY KEY,
	started   timestamptz NOT NULL,
	heartbeat timestamptz NOT NULL,
	sessions  jsonb       NOT NULL DEFAULT '[]'
);

-- Node numbers are unique across the cluster: a session takes the
-- lowest free one here.
CREATE TABLE node_numbers (
	num  integer          PRIMARY KEY CHECK (num > 0),
	node text COLLATE "C" NOT NULL REFERENCES cluster_nodes (name) ON DELETE CASCADE
);

CREATE INDEX node_numbers_node ON node_numbers (node);
