// Package sqldb holds what x84's SQL store engines (store/sqlite,
// store/postgres) share besides their SQL: the loading of numbered
// migration files, row-reading helpers over database/sql, and the rules
// for the file area's paths that both keep.
package sqldb
