-- Views of the SXTD warehouse, created by `sxtd build` after the curated tables are loaded.
-- Each view is preceded by a `-- view: NAME: description` line that `sxtd tables` shows.
-- A `-- stored in order: ORDER BY ...` line under it makes the build store the view's rows as a table of the
-- same name, in that order (the api reads them without sorting again): the database is read-only once built,
-- so a stored view never goes stale, and the comparison queries stay fast at 10,000 plans (benchmarks/).

-- macro: _num: a number as text without a trailing .0 (50.0 -> 50, 7.5 -> 7.5).
CREATE MACRO _num(x) AS regexp_replace(x::VARCHAR, '\.0$', '');

-- macro: _source_label: where a fact was read, as a reader names it: the plan's number (or its kind and years where
-- it prints none) and the lines ('484/KH-UBND, dòng 52–54'; 'Kế hoạch 2023, dòng 69–71').
CREATE MACRO _source_label(doc_number, doc_type, start_year, end_year, line_start, line_end) AS
    coalesce(doc_number, CASE doc_type WHEN 'quyet_dinh' THEN 'Quyết định' ELSE 'Kế hoạch' END || ' '
             || CASE WHEN start_year = end_year THEN start_year::VARCHAR ELSE start_year || '–' || end_year END)
    || ', dòng ' || line_start || CASE WHEN line_end <> line_start THEN '–' || line_end ELSE '' END;

-- view: province_lineage: Each plan's province and the province it belongs to since the 2025 merger, for roll-ups to today's map.
CREATE VIEW province_lineage AS
SELECT p.plan_id, p.province_slug, pr.name_vi AS province_name_vi, pr.name_ascii AS province_name_ascii,
       pr.gso_code, pr.successor_slug, pr.successor_name_vi, pr.successor_gso_code, pr.is_merged,
       p.doc_number, p.issued_on, p.period_start_year, p.period_end_year, p.programme
FROM plans AS p JOIN provinces AS pr USING (province_slug);

-- view: target_matrix: One row per province x indicator x target year: the value range, comparator, unit and quote(s); the cross-province comparison in one query.
-- stored in order: ORDER BY province_name_vi COLLATE vi, indicator_code, target_year
CREATE VIEW target_matrix AS
-- Performance: one list of the targets per cell, sorted once by target_id (ids are unique), instead of four
-- ORDER BY aggregates and two DISTINCT aggregates; names are joined after grouping on the keys.
-- comparator is required, so min = max exactly when one comparator is used.
WITH cells AS (
    SELECT p.province_slug, t.indicator_code, t.target_year,
           min(t.value_low) AS value_low, max(t.value_high) AS value_high,
           CASE WHEN min(t.comparator) = max(t.comparator) THEN any_value(t.comparator) ELSE 'mixed' END
               AS comparator,
           any_value(t.unit) AS unit, count(*) AS n_targets,
           list_sort(list({'target_id': t.target_id, 'scope_note': t.scope_note, 'quote': t.quote,
                           'source': p.raw_file || ':' || t.line_start || '-' || t.line_end})) AS items,
           list_sort(list_distinct(list(t.plan_id))) AS plan_ids
    FROM targets AS t
    JOIN plans AS p USING (plan_id)
    GROUP BY p.province_slug, t.indicator_code, t.target_year
)
SELECT c.province_slug, pr.name_vi AS province_name_vi, c.indicator_code, i.label_vi, i.label_en,
       c.target_year, c.value_low, c.value_high, c.comparator, c.unit, c.n_targets,
       nullif(array_to_string(list_transform(c.items, lambda x: x.scope_note), ' | '), '') AS scope_note,
       array_to_string(list_transform(c.items, lambda x: x.quote), ' | ') AS quote,
       array_to_string(list_transform(c.items, lambda x: x.source), '; ') AS source,
       list_transform(c.items, lambda x: x.target_id) AS target_ids,
       c.plan_ids
FROM cells AS c
JOIN provinces AS pr USING (province_slug)
JOIN indicators AS i USING (indicator_code);

-- view: target_alignment: Each provincial target beside the national benchmark of the milestone its year is compared with (table national_milestones), with a verdict (table verdicts) and a note in Vietnamese and English.
-- stored in order: ORDER BY province_name_vi COLLATE vi, target_year, indicator_code, target_id
CREATE VIEW target_alignment AS
WITH t AS (
    SELECT t.*, p.province_slug, p.raw_file, pr.name_vi AS province_name_vi, i.label_vi, i.label_en,
           _source_label(p.doc_number, p.doc_type, p.period_start_year, p.period_end_year, t.line_start, t.line_end)
               AS source_label,
           i.national_indicator_code, i.is_benchmark_comparable, i.direction, i.correspondence_note,
           coalesce(i.is_analogy, false) AS is_by_analogy, coalesce(t.is_partial_scope, false) AS partial,
           m.programme AS benchmark_programme, m.milestone_year AS benchmark_year
    FROM targets AS t
    JOIN plans AS p USING (plan_id)
    JOIN provinces AS pr USING (province_slug)
    JOIN indicators AS i USING (indicator_code)
    LEFT JOIN national_milestones AS m
      ON t.target_year BETWEEN coalesce(m.first_target_year, 0) AND m.last_target_year
), joined AS (
    SELECT t.*, n.national_target_id, n.value_low AS national_value_low, n.value_high AS national_value_high,
           n.comparator AS national_comparator, n.unit AS national_unit, n.quote AS national_quote,
           n.is_verified AS national_is_verified,
           -- the verdict at the milestone's own year, before the rules for earlier years and part scopes
           CASE
               WHEN n.value_low IS NULL THEN NULL
               WHEN t.value_low = n.value_low AND t.value_high = n.value_high THEN 'equal'
               WHEN t.direction = 'higher_is_stricter' AND t.value_low >= n.value_high THEN 'stricter'
               WHEN t.direction = 'higher_is_stricter' AND t.value_high <= n.value_low THEN 'weaker'
               WHEN t.direction = 'lower_is_stricter' AND t.value_high <= n.value_low THEN 'stricter'
               WHEN t.direction = 'lower_is_stricter' AND t.value_low >= n.value_high THEN 'weaker'
               ELSE 'overlapping'
           END AS level_verdict
    FROM t LEFT JOIN national_targets AS n
      ON n.is_quantified AND n.indicator_code = t.national_indicator_code
     AND n.programme = t.benchmark_programme AND n.milestone_year = t.benchmark_year
), judged AS (
    SELECT *,
           CASE
               WHEN national_target_id IS NULL OR NOT is_benchmark_comparable OR unit <> national_unit
                   THEN 'no_benchmark'
               WHEN partial THEN 'partial_scope'
               WHEN target_year < benchmark_year
                   THEN CASE WHEN level_verdict IN ('stricter', 'equal') THEN 'stricter' ELSE 'interim' END
               ELSE level_verdict
           END AS verdict,
           _num(value_low) || CASE WHEN value_high <> value_low THEN '-' || _num(value_high) ELSE '' END
               || CASE WHEN unit = 'percent' THEN '%' ELSE '' END AS province_text,
           _num(national_value_low) || CASE WHEN national_value_high <> national_value_low
               THEN '-' || _num(national_value_high) ELSE '' END
               || CASE WHEN national_unit = 'percent' THEN '%' ELSE '' END AS national_text
    FROM joined
)
SELECT j.target_id, j.plan_id, j.province_slug, j.province_name_vi, j.indicator_code, j.label_vi, j.label_en,
       j.target_year, j.value_low, j.value_high, j.comparator, j.unit, j.value_as_printed, j.scope_note, j.sectors,
       j.is_partial_scope, j.reading_note, j.quote, j.line_start, j.line_end,
       j.raw_file, j.raw_file || ':' || j.line_start || '-' || j.line_end AS source, j.source_label,
       j.benchmark_programme, j.benchmark_year, j.national_target_id, j.national_value_low, j.national_value_high,
       j.national_comparator, j.national_quote, j.national_is_verified,
       j.verdict, j.is_by_analogy,
       v.label_vi || CASE WHEN j.is_by_analogy AND j.verdict <> 'no_benchmark' THEN ' (so sánh tương tự)' ELSE '' END
           AS verdict_label_vi,
       v.label_en || CASE WHEN j.is_by_analogy AND j.verdict <> 'no_benchmark' THEN ' (by analogy)' ELSE '' END
           AS verdict_label_en,
       CASE
           WHEN j.benchmark_programme IS NULL THEN 'Không có mốc quốc gia cho năm ' || j.target_year || '.'
           WHEN j.national_indicator_code IS NULL THEN 'Không có chỉ tiêu quốc gia tương ứng.'
           WHEN j.national_target_id IS NULL THEN j.benchmark_programme || ' không đặt mốc ' || j.benchmark_year
               || ' cho chỉ tiêu này.'
           WHEN NOT j.is_benchmark_comparable THEN 'Không cùng thang đo với mốc quốc gia.'
           ELSE 'Tỉnh ' || j.province_text || ' so với mốc quốc gia ' || j.national_text
                || ' (' || j.benchmark_programme || ', năm ' || j.benchmark_year || ')'
                || CASE WHEN j.verdict = 'partial_scope' THEN '; mục tiêu chỉ bao quát một phần phạm vi của chỉ tiêu quốc gia'
                        WHEN j.target_year < j.benchmark_year THEN '; mục tiêu cho năm ' || j.target_year
                            || CASE WHEN j.verdict = 'stricter' THEN ', đã đạt mức của mốc trước năm của mốc'
                                    ELSE ', một bước trước mốc' END
                        ELSE '' END
                || CASE WHEN j.is_by_analogy THEN '; so sánh tương tự (cấp huyện của tỉnh so với cấp tỉnh của cả nước)'
                        ELSE '' END
                || CASE WHEN NOT j.national_is_verified THEN '; câu chữ quốc gia chỉ thấy bằng tiếng Anh' ELSE '' END
                || '.'
       END AS verdict_note_vi,
       CASE
           WHEN j.benchmark_programme IS NULL THEN 'No national milestone covers ' || j.target_year || '.'
           WHEN j.national_indicator_code IS NULL THEN 'No national indicator corresponds. '
               || coalesce(j.correspondence_note, '')
           WHEN j.national_target_id IS NULL THEN 'No ' || j.benchmark_programme || ' benchmark for this indicator at the '
               || j.benchmark_year || ' milestone.'
           WHEN NOT j.is_benchmark_comparable THEN 'Not on the same scale: ' || coalesce(j.correspondence_note, '')
           ELSE 'Province ' || j.province_text || ' vs national ' || j.national_text
                || ' (' || j.benchmark_programme || ', ' || j.benchmark_year || ')'
                || CASE WHEN j.verdict = 'partial_scope' THEN '; the target covers only part of the national scope'
                        WHEN j.target_year < j.benchmark_year THEN '; the target is for ' || j.target_year
                            || CASE WHEN j.verdict = 'stricter' THEN ', reaching the milestone''s value before its year'
                                    ELSE ', a step before the milestone' END
                        ELSE '' END
                || CASE WHEN j.is_by_analogy THEN '; a comparison by analogy: '
                        || rtrim(coalesce(j.correspondence_note, 'not the same measure'), '.') ELSE '' END
                || CASE WHEN NOT j.national_is_verified THEN '; national wording seen only in English' ELSE '' END
                || '.'
       END AS verdict_note_en
FROM judged AS j
JOIN verdicts AS v USING (verdict);

-- view: tasks_by_agency: Tasks per leading agency and plan (co-leads counted for each), with partner counts and timeline; activities that name no agency are not counted.
-- stored in order: ORDER BY n_tasks DESC, province_name_vi COLLATE vi, agency_code, plan_id
CREATE VIEW tasks_by_agency AS
-- Performance: partners counted by a window over each task's rows (no second pass and join on task_id), and
-- grouping on codes only, with the names joined afterwards.
WITH ta AS (
    SELECT task_id, agency_code, role,
           count(*) FILTER (WHERE role = 'partner') OVER (PARTITION BY task_id) AS n_partners
    FROM task_agencies
), per_plan AS (
    SELECT ta.agency_code, t.plan_id, p.province_slug,
           count(*) AS n_tasks,
           count(*) FILTER (WHERE t.lead_agency_code <> ta.agency_code) AS n_tasks_as_co_lead,
           coalesce(sum(ta.n_partners), 0)::BIGINT AS n_partner_links,
           round(coalesce(avg(ta.n_partners), 0), 2)::DOUBLE AS avg_partners_per_task,
           min(coalesce(t.start_year, p.period_start_year)) AS first_year,
           max(coalesce(t.end_year, p.period_end_year)) AS last_year,
           count(*) FILTER (WHERE t.frequency IS NOT NULL) AS n_recurring_tasks
    FROM ta
    JOIN tasks AS t USING (task_id)
    JOIN plans AS p ON p.plan_id = t.plan_id
    WHERE ta.role = 'lead'
    GROUP BY ta.agency_code, t.plan_id, p.province_slug
)
SELECT g.agency_code, a.name_vi AS agency_name_vi, a.name_en AS agency_name_en, a.kind AS agency_kind,
       g.plan_id, g.province_slug, pr.name_vi AS province_name_vi,
       g.n_tasks, g.n_tasks_as_co_lead, g.n_partner_links, g.avg_partners_per_task, g.first_year, g.last_year,
       g.n_recurring_tasks
FROM per_plan AS g
JOIN agencies AS a ON a.agency_code = g.agency_code
JOIN provinces AS pr ON pr.province_slug = g.province_slug;

-- view: known_plans: Every known SXTD plan document (plan_registry, and any curated plan not yet registered), with the province that issued it, the province it belongs to since 1/7/2025 and the date by which it was issued.
-- stored in order: ORDER BY known_by_on NULLS LAST, registry_id
CREATE VIEW known_plans AS
-- A plan is dated by its issue date, else by the date of the source that reports it (issued by then).
WITH known AS (
    SELECT registry_id, province_slug, doc_type, doc_number, issued_on,
           coalesce(issued_on, source_published_on) AS known_by_on, period_start_year, period_end_year, programme,
           source_url, source_title, plan_id
    FROM plan_registry
    UNION ALL
    SELECT plan_id, province_slug, doc_type, doc_number, issued_on, issued_on, period_start_year, period_end_year,
           programme, NULL, raw_file, plan_id
    FROM plans
    WHERE plan_id NOT IN (SELECT plan_id FROM plan_registry WHERE plan_id IS NOT NULL)
)
SELECT k.registry_id, k.province_slug, pr.name_vi AS province_name_vi, pr.successor_slug, pr.successor_name_vi,
       k.doc_type, k.doc_number, k.issued_on, k.known_by_on, k.period_start_year, k.period_end_year, k.programme,
       k.source_url, k.source_title, k.plan_id, k.plan_id IS NOT NULL AS is_curated
FROM known AS k
JOIN provinces AS pr USING (province_slug);

-- view: national_coverage: One row per province since 1/7/2025 (34): the former provinces it includes, the SXTD plans known (plan_registry) and curated for them, the latest known plan, and its square on the tile-grid map.
-- stored in order: ORDER BY province_name_vi COLLATE vi
CREATE VIEW national_coverage AS
WITH kp AS (
    SELECT *, row_number() OVER (PARTITION BY successor_slug
                                 ORDER BY known_by_on DESC NULLS LAST, period_end_year DESC, registry_id DESC)
                  AS recency
    FROM known_plans
), per_province AS (
    SELECT successor_slug AS province_slug, count(*) AS n_plans_known, count(plan_id) AS n_plans_curated,
           count(DISTINCT province_slug) AS n_former_with_plan,
           list(DISTINCT province_name_vi ORDER BY province_name_vi COLLATE vi) AS former_with_plan_names_vi,
           list(registry_id ORDER BY known_by_on NULLS LAST, registry_id) AS registry_ids,
           list(plan_id ORDER BY plan_id) FILTER (WHERE plan_id IS NOT NULL) AS plan_ids,
           min(known_by_on) AS first_known_on
    FROM kp
    GROUP BY successor_slug
), formers AS (
    SELECT successor_slug AS province_slug, list(province_slug ORDER BY province_slug) AS former_province_slugs,
           list(name_vi ORDER BY province_slug) AS former_names_vi, count(*) AS n_former_provinces
    FROM provinces
    GROUP BY successor_slug
), reported AS (
    SELECT pr.successor_slug AS province_slug, count(*) AS n_reported_targets
    FROM reported_targets AS t
    JOIN plan_registry AS r USING (registry_id)
    JOIN provinces AS pr ON pr.province_slug = r.province_slug
    GROUP BY pr.successor_slug
)
SELECT c.province_slug, c.name_vi AS province_name_vi, c.name_ascii AS province_name_ascii, c.division_type,
       c.gso_code, c.tile_row, c.tile_column,
       coalesce(f.former_province_slugs, []::VARCHAR[]) AS former_province_slugs,
       coalesce(f.former_names_vi, []::VARCHAR[]) AS former_names_vi,
       coalesce(f.n_former_provinces, 0) AS n_former_provinces,
       coalesce(a.n_plans_known, 0) AS n_plans_known, coalesce(a.n_plans_curated, 0) AS n_plans_curated,
       coalesce(a.n_former_with_plan, 0) AS n_former_with_plan,
       coalesce(a.former_with_plan_names_vi, []::VARCHAR[]) AS former_with_plan_names_vi,
       CASE WHEN a.n_plans_curated > 0 THEN 'curated' WHEN a.n_plans_known > 0 THEN 'known' ELSE 'none' END
           AS coverage,
       coalesce(a.registry_ids, []::VARCHAR[]) AS registry_ids, coalesce(a.plan_ids, []::VARCHAR[]) AS plan_ids,
       a.first_known_on,
       l.registry_id AS latest_registry_id, l.doc_number AS latest_doc_number, l.known_by_on AS latest_known_by_on,
       l.province_name_vi AS latest_issuer_name_vi, l.period_start_year AS latest_period_start_year,
       l.period_end_year AS latest_period_end_year, l.plan_id AS latest_plan_id,
       coalesce(r.n_reported_targets, 0) AS n_reported_targets
FROM current_provinces AS c
LEFT JOIN formers AS f USING (province_slug)
LEFT JOIN per_province AS a USING (province_slug)
LEFT JOIN kp AS l ON l.successor_slug = c.province_slug AND l.recency = 1
LEFT JOIN reported AS r USING (province_slug);
