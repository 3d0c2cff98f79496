-- 0003: each node's chat room members, beside its sessions, so that the
-- other nodes' counts of who is in a room are exact at every heartbeat
-- (join and leave lines alone drift: crowds are summed up, lines are
-- missed in a gap).
ALTER TABLE cluster_nodes ADD COLUMN rooms jsonb NOT NULL DEFAULT '{}';
