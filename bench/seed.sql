-- Deterministic benchmark data for the circle feed (no random()): every id is
-- md5('<kind>-<n>')::uuid, every value a function of generate_series counters.
--
-- Member slot k (0..99) of circle c is member ((c-1)*40 + k) % 2000 + 1, so each
-- circle has exactly 100 ACTIVE members (its capacity; 100 is the rules' maximum)
-- and each member is in 2 or 3 circles. Post j (0..1999) of circle c is post
-- (c-1)*2000 + j + 1; posts of all circles interleave in time, one a minute.
-- Foreign-key triggers are off while loading (the data is consistent by construction).
SET session_replication_role = replica;
SET synchronous_commit = off;

INSERT INTO member (id, firebase_uid, display_name, display_name_key, pronouns, bio, timezone,
                    region, created_at, updated_at, guidelines_version,
                    guidelines_accepted_at, adult_confirmed_at)
SELECT md5('member-' || n)::uuid, 'bench-' || n, 'Bench Member ' || n, 'bench member ' || n,
       CASE WHEN n % 3 = 0 THEN 'they/them' END,
       CASE WHEN n % 4 = 0 THEN 'Here to listen, most evenings.' END,
       'Europe/London', 'GB', t, t, '2026-11', t, t
FROM generate_series(1, 2000) AS n,
     LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + n * interval '1 minute' AS t) AS x;

INSERT INTO circle (id, name, description, topics, visibility, capacity, guidelines, created_at,
                    created_by, active_count)
SELECT md5('circle-' || c)::uuid, 'Bench Circle ' || c,
       'A circle for people who find evenings hard. Benchmark circle ' || c || '.',
       ',ANXIETY,LONELINESS,', CASE WHEN c % 2 = 0 THEN 'PRIVATE' ELSE 'PUBLIC' END, 100,
       'Be kind. No advice unless asked. What is shared here stays here.',
       timestamptz '2026-02-01 00:00:00+00' + c * interval '1 hour',
       md5('member-' || ((c - 1) * 40 % 2000 + 1))::uuid, 100
FROM generate_series(1, 50) AS c;

INSERT INTO membership (circle_id, member_id, role, status, created_at, updated_at)
SELECT md5('circle-' || c)::uuid, md5('member-' || (((c - 1) * 40 + k) % 2000 + 1))::uuid,
       CASE WHEN k = 0 THEN 'OWNER' WHEN k < 3 THEN 'MODERATOR' ELSE 'MEMBER' END, 'ACTIVE', t, t
FROM generate_series(1, 50) AS c, generate_series(0, 99) AS k,
     LATERAL (SELECT timestamptz '2026-02-01 00:00:00+00' + c * interval '1 hour'
                     + k * interval '1 minute' AS t) AS x;

-- 100,000 posts: 10 % with a content warning, 5 % anonymous.
INSERT INTO post (id, circle_id, author_id, anonymous, body, cw_topics, cw_note, created_at)
SELECT md5('post-' || ((c - 1) * 2000 + j + 1))::uuid, md5('circle-' || c)::uuid,
       md5('member-' || (((c - 1) * 40 + (j * 7) % 100) % 2000 + 1))::uuid,
       j % 20 = 3,
       'Post ' || j || ' in circle ' || c || '. '
           || repeat('Tonight feels heavy, but I am still here and trying. ', 1 + j % 4),
       CASE WHEN j % 10 = 0 THEN
           CASE WHEN j % 20 = 0 THEN ',GRIEF,' ELSE ',ANXIETY,SELF_HARM_RECOVERY,' END END,
       CASE WHEN j % 10 = 0 AND j % 30 <> 0 THEN 'Mentions a hard anniversary' END,
       timestamptz '2026-03-01 00:00:00+00' + (j * 50 + c) * interval '1 minute'
FROM generate_series(1, 50) AS c, generate_series(0, 1999) AS j;

-- 300,000 replies: 2 for even posts, 4 for odd ones, 7 s apart, 5 % anonymous.
INSERT INTO reply (id, post_id, circle_id, author_id, anonymous, body, created_at)
SELECT md5('reply-' || ((c - 1) * 2000 + j + 1) || '-' || k)::uuid,
       md5('post-' || ((c - 1) * 2000 + j + 1))::uuid, md5('circle-' || c)::uuid,
       md5('member-' || (((c - 1) * 40 + (j * 7 + k * 11) % 100) % 2000 + 1))::uuid,
       (j + k) % 20 = 0,
       'Reply ' || k || ' to post ' || j || ': sending you warmth, you are not alone in this.',
       timestamptz '2026-03-01 00:00:00+00' + (j * 50 + c) * interval '1 minute'
           + k * interval '7 seconds'
FROM generate_series(1, 50) AS c, generate_series(0, 1999) AS j,
     LATERAL generate_series(1, CASE WHEN j % 2 = 0 THEN 2 ELSE 4 END) AS k;

-- 500,000 reactions: 5 per post from 5 distinct members of the circle, 3 distinct kinds.
INSERT INTO reaction (target_id, member_id, kind, circle_id, created_at)
SELECT md5('post-' || ((c - 1) * 2000 + j + 1))::uuid,
       md5('member-' || (((c - 1) * 40 + (j * 7 + 1 + k * 13) % 100) % 2000 + 1))::uuid,
       (ARRAY['HUG', 'ME_TOO', 'STRENGTH', 'THANK_YOU'])[(j % 4 + k % 3) % 4 + 1],
       md5('circle-' || c)::uuid,
       timestamptz '2026-03-01 00:00:00+00' + (j * 50 + c) * interval '1 minute'
           + (k + 1) * interval '1 minute'
FROM generate_series(1, 50) AS c, generate_series(0, 1999) AS j, generate_series(0, 4) AS k;

SET session_replication_role = origin;
