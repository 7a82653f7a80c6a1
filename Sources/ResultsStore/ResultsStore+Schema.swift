import GRDB

extension ResultsStore {
  /// The identifiers of the schema's migrations, oldest first.
  package static var migrationIdentifiers: [String] { migrator.migrations }

  /// The schema's history, one migration per shipped version.
  ///
  /// Migrations are SQL text, not built from Swift types: a shipped migration must never change,
  /// or databases written by an older capsim would no longer open in a newer one (GRDB's
  /// `Migrations.md`). Add a new migration instead of editing one. Tables are singular, columns
  /// snake_case, so that `sqlite3` queries read naturally.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()

    migrator.registerMigration("v1: runs, series, verdicts, costs") { db in
      try db.execute(
        sql: """
          CREATE TABLE run (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            capsim_version TEXT NOT NULL,
            kind TEXT NOT NULL,
            scenario_name TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_text TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            topology_path TEXT NOT NULL,
            topology_text TEXT NOT NULL,
            topology_hash TEXT NOT NULL,
            settings TEXT NOT NULL,
            seed INTEGER NOT NULL,
            replications INTEGER NOT NULL,
            horizon REAL NOT NULL,
            series_interval REAL NOT NULL,
            time_zone TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
            process_id INTEGER NOT NULL,
            host_name TEXT NOT NULL,
            wall_seconds REAL,
            requests INTEGER,
            message TEXT,
            CHECK ((status = 'running') = (ended_at IS NULL))
          );

          CREATE TABLE series_point (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            tier TEXT NOT NULL,
            request_class TEXT NOT NULL,
            window_start REAL NOT NULL,
            window_end REAL NOT NULL,
            local_start TEXT NOT NULL,
            period TEXT NOT NULL,
            demand_multiplier REAL,
            arrivals REAL,
            completions REAL,
            errors_queue_full REAL,
            errors_timeout REAL,
            errors_no_connection REAL,
            errors_node_down REAL,
            latency_p50 REAL,
            latency_p95 REAL,
            latency_p99 REAL,
            utilization REAL,
            queue_length REAL,
            instances REAL,
            users REAL,
            replica_lag REAL
          );
          CREATE INDEX series_point_on_run_territory_tier_class_window
            ON series_point(run_id, territory, tier, request_class, window_start);

          CREATE TABLE verdict (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            period TEXT NOT NULL,
            request_class TEXT NOT NULL,
            objective TEXT NOT NULL,
            target REAL,
            higher_is_better INTEGER NOT NULL CHECK (higher_is_better IN (0, 1)),
            mean REAL,
            half_width REAL,
            outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'marginal', 'fail', 'info')),
            worst_window_local TEXT,
            worst_value REAL
          );
          CREATE INDEX verdict_on_run ON verdict(run_id);

          CREATE TABLE cost (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            month TEXT NOT NULL,
            currency TEXT NOT NULL,
            instance_hours REAL,
            instance_cost REAL,
            database_node_hours REAL,
            database_cost REAL
          );
          CREATE INDEX cost_on_run ON cost(run_id);
          """)
    }

    migrator.registerMigration("v2: targets") { db in
      try db.execute(
        sql: """
          CREATE TABLE target (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL,
            UNIQUE (run_id, name)
          );
          """)
    }

    migrator.registerMigration("v3: events") { db in
      try db.execute(
        sql: """
          CREATE TABLE event (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            start_time REAL,
            end_time REAL,
            local_start TEXT,
            local_end TEXT,
            label TEXT NOT NULL
          );
          CREATE INDEX event_on_run ON event(run_id);
          """)
    }

    // Named, not numbered: branches add migrations side by side, and the order is fixed when
    // they are merged.
    migrator.registerMigration("sweeps: grids of runs") { db in
      try db.execute(
        sql: """
          CREATE TABLE sweep (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            capsim_version TEXT NOT NULL,
            scenario_name TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            settings TEXT NOT NULL,
            axes TEXT NOT NULL,
            seed INTEGER NOT NULL,
            replications INTEGER NOT NULL,
            points INTEGER NOT NULL,
            shards INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            wall_seconds REAL
          );

          CREATE TABLE sweep_point (
            sweep_id INTEGER NOT NULL REFERENCES sweep(id) ON DELETE CASCADE,
            point INTEGER NOT NULL,
            run_id INTEGER NOT NULL UNIQUE REFERENCES run(id) ON DELETE CASCADE,
            point_values TEXT NOT NULL,
            PRIMARY KEY (sweep_id, point)
          );
          """)
    }

    // A request class may be waived (not judged, with a reason): the outcome check of v1 did
    // not know 'waived', and SQLite cannot change a CHECK in place, so the table is rebuilt.
    migrator.registerMigration("verdicts: waived, with a note") { db in
      try db.execute(
        sql: """
          CREATE TABLE verdict_new (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            period TEXT NOT NULL,
            request_class TEXT NOT NULL,
            objective TEXT NOT NULL,
            target REAL,
            higher_is_better INTEGER NOT NULL CHECK (higher_is_better IN (0, 1)),
            mean REAL,
            half_width REAL,
            outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'marginal', 'fail', 'info', 'waived')),
            worst_window_local TEXT,
            worst_value REAL,
            note TEXT
          );
          INSERT INTO verdict_new (
            id, run_id, territory, period, request_class, objective, target, higher_is_better, mean,
            half_width, outcome, worst_window_local, worst_value)
          SELECT id, run_id, territory, period, request_class, objective, target, higher_is_better, mean,
            half_width, outcome, worst_window_local, worst_value FROM verdict;
          DROP TABLE verdict;
          ALTER TABLE verdict_new RENAME TO verdict;
          CREATE INDEX verdict_on_run ON verdict(run_id);
          """)
    }

    migrator.registerMigration("costs: hours of the run and of the month") { db in
      try db.execute(
        sql: """
          ALTER TABLE cost ADD COLUMN span_hours REAL;
          ALTER TABLE cost ADD COLUMN month_hours REAL;
          """)
    }

    // A plan is begun 'running' like a run and completed in one transaction: its answer per
    // territory and period, the verdicts behind it, every count tried and every candidate.
    migrator.registerMigration("plans: capacity plans and their candidates") { db in
      try db.execute(
        sql: """
          CREATE TABLE plan (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            capsim_version TEXT NOT NULL,
            scenario_name TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            topology_path TEXT NOT NULL,
            topology_hash TEXT NOT NULL,
            settings TEXT NOT NULL,
            territories TEXT NOT NULL,
            seed INTEGER NOT NULL,
            replications INTEGER NOT NULL,
            max_replications INTEGER NOT NULL,
            max_instances INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
            process_id INTEGER NOT NULL,
            host_name TEXT NOT NULL,
            wall_seconds REAL,
            spared_by_theory INTEGER,
            message TEXT,
            CHECK ((status = 'running') = (ended_at IS NULL))
          );

          CREATE TABLE plan_period (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            period TEXT NOT NULL,
            peak_rate REAL NOT NULL,
            peak_local TEXT NOT NULL,
            stable_instances INTEGER NOT NULL,
            theory_start INTEGER NOT NULL,
            instances INTEGER,
            cap INTEGER NOT NULL,
            cap_reason TEXT NOT NULL,
            currency TEXT NOT NULL,
            instance_cost REAL,
            database_cost REAL,
            app_utilization REAL,
            binding_tier TEXT,
            fewer_instances INTEGER,
            fewer_reason TEXT,
            p95 REAL,
            more_p95 REAL,
            more_cost REAL,
            UNIQUE (plan_id, territory, period)
          );

          CREATE TABLE plan_verdict (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            period TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('binding', 'unmet')),
            instances INTEGER NOT NULL,
            request_class TEXT NOT NULL,
            objective TEXT NOT NULL,
            target REAL,
            higher_is_better INTEGER NOT NULL CHECK (higher_is_better IN (0, 1)),
            mean REAL,
            half_width REAL,
            outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'marginal', 'fail', 'info', 'waived')),
            worst_window_local TEXT,
            worst_value REAL,
            note TEXT
          );
          CREATE INDEX plan_verdict_on_plan ON plan_verdict(plan_id);

          CREATE TABLE plan_tried (
            plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            period TEXT NOT NULL,
            instances INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('meets', 'marginal', 'fails')),
            instance_cost REAL,
            PRIMARY KEY (plan_id, territory, period, instances)
          );

          CREATE TABLE plan_candidate (
            plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
            candidate INTEGER NOT NULL,
            instances TEXT NOT NULL,
            simulated TEXT NOT NULL,
            replications INTEGER NOT NULL,
            requests INTEGER NOT NULL,
            wall_seconds REAL NOT NULL,
            statuses TEXT NOT NULL,
            PRIMARY KEY (plan_id, candidate)
          );
          """)
    }

    // Every sync of a simulated autoscaler (HPA or KEDA), per replication: the metric values
    // and proposals as text, the counts, and the reason. Written with the run's other rows.
    migrator.registerMigration("autoscaler: every sync of a simulated autoscaler") { db in
      try db.execute(
        sql: """
          CREATE TABLE autoscaler_sync (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            replication INTEGER NOT NULL,
            territory TEXT NOT NULL,
            autoscaler TEXT NOT NULL,
            time REAL NOT NULL,
            local_time TEXT,
            metrics TEXT NOT NULL,
            recommendation INTEGER,
            stabilized INTEGER,
            current_replicas INTEGER NOT NULL,
            desired_replicas INTEGER NOT NULL,
            ready_pods INTEGER NOT NULL,
            total_pods INTEGER NOT NULL,
            reason TEXT NOT NULL
          );
          CREATE INDEX autoscaler_sync_on_run ON autoscaler_sync(run_id, territory, replication, time);
          """)
    }

    // How a window of a hybrid run was advanced: 'request', 'fluid' or 'mixed' (NULL in runs
    // recorded before: request level throughout).
    migrator.registerMigration("series: hybrid window mode") { db in
      try db.execute(sql: "ALTER TABLE series_point ADD COLUMN mode TEXT;")
    }

    // capsim autoscale: a derivation, its rows (strategies, searched candidates, verifications)
    // and the manifests it wrote.
    migrator.registerMigration("autoscale: derived autoscaling rules and their comparison") { db in
      try db.execute(
        sql: """
          CREATE TABLE autoscale (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            capsim_version TEXT NOT NULL,
            scenario_name TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            settings TEXT NOT NULL,
            territories TEXT NOT NULL,
            seed INTEGER NOT NULL,
            replications INTEGER NOT NULL,
            max_replications INTEGER NOT NULL,
            held_out INTEGER NOT NULL,
            peak_share REAL NOT NULL,
            max_reversals_per_hour REAL NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
            process_id INTEGER NOT NULL,
            host_name TEXT NOT NULL,
            wall_seconds REAL,
            pools TEXT,
            message TEXT,
            CHECK ((status = 'running') = (ended_at IS NULL))
          );
          CREATE TABLE autoscale_row (
            autoscale_id INTEGER NOT NULL REFERENCES autoscale(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            territory TEXT NOT NULL,
            section TEXT NOT NULL CHECK (section IN ('strategy', 'candidate', 'verification')),
            name TEXT NOT NULL,
            replications INTEGER NOT NULL,
            pod_hours REAL NOT NULL,
            cost REAL NOT NULL,
            currency TEXT NOT NULL,
            cost_per_30_days REAL NOT NULL,
            slo_violation_minutes REAL NOT NULL,
            worst_p95 REAL,
            scaling_events REAL NOT NULL,
            reversals_per_hour REAL NOT NULL,
            peak_windows INTEGER NOT NULL,
            peak_windows_met INTEGER NOT NULL,
            holds INTEGER NOT NULL,
            failed TEXT NOT NULL,
            PRIMARY KEY (autoscale_id, position)
          );
          CREATE TABLE autoscale_manifest (
            autoscale_id INTEGER NOT NULL REFERENCES autoscale(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            file TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (autoscale_id, file)
          );
          """)
    }

    // Row locks of a platform run, per territory and lock: means over replications. Runs
    // recorded before have none (nor had locks).
    migrator.registerMigration("row locks: waits and holds per territory and lock") { db in
      try db.execute(
        sql: """
          CREATE TABLE row_lock (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            territory TEXT NOT NULL,
            lock_name TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            requests REAL NOT NULL,
            waited_share REAL,
            wait_mean REAL,
            held_mean REAL,
            busiest_row REAL NOT NULL,
            UNIQUE (run_id, territory, lock_name)
          );
          """)
    }

    // A queueing-network run's printed results (its station table and JSON). Network runs
    // recorded before have none: `capsim show` says so.
    migrator.registerMigration("network runs: the printed results") { db in
      try db.execute(
        sql: """
          CREATE TABLE network_summary (
            run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
            table_text TEXT NOT NULL,
            json TEXT NOT NULL
          );
          """)
    }

    // What a record was merged from (`capsim merge`: a digest of its part files), so that a
    // merge retried (a Kubernetes Job's backoff) finds it instead of storing it twice.
    migrator.registerMigration("merge: the parts a record was folded from") { db in
      try db.execute(sql: "ALTER TABLE run ADD COLUMN merged_from TEXT")
      try db.execute(sql: "ALTER TABLE sweep ADD COLUMN merged_from TEXT")
    }

    return migrator
  }
}
