-- Runs once, when the Postgres volume is first initialised: Temporal's two databases next to
-- Conveyor's (POSTGRES_DB). The temporal-schema job then sets up and upgrades their schema.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
