// Project attachments and photos (项目影音, issue 15 item 1; docs/domain/projects-funds.md): the
// documents a project gathers (批复文件, 合同, 验收报告, 报账凭证 … scans as PDF or image) and its
// dated, geotagged photos by stage (实施前 / 实施中 / 实施后).
//
// One table for both (`media` says which): a row is metadata, its bytes live once per county and
// content in photo_blobs (the county's content-addressed store, shared with the card's photos).
// Nothing is deleted: a removal sets removed_* with its reason (audited), and the row stays.
// Rows carry their project's county, tied to it by a foreign key on (id, county_code) as the other
// project children do. The code lists are copies frozen with this migration
// (api/modules/projects/code-lists.ts is the app's; its test checks they agree).
import { type Kysely, sql } from 'kysely';

const ATTACHMENT_KINDS = ['村民会议记录', '实施方案', '批复文件', '合同', '验收报告', '报账凭证', '其他'];
const PHOTO_STAGES = ['实施前', '实施中', '实施后'];
const CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'];

const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table project_media (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null,
      county_code text collate "C" not null check (length(county_code) = 6),
      media text not null check (media in ('attachment', 'photo')),
      -- attachments: the document's kind and title
      kind text check (${oneOf('kind', ATTACHMENT_KINDS)}),
      title text check (length(title) <= 200),
      -- photos: the stage, when and where it was taken
      stage text check (${oneOf('stage', PHOTO_STAGES)}),
      taken_at timestamptz,
      location geometry(Point, 4326),
      caption text check (length(caption) <= 500),
      -- the file: its client-side name (downloads), sniffed type, size, content hash and blob
      file_name text not null check (length(file_name) between 1 and 200),
      content_type text not null check (${oneOf('content_type', CONTENT_TYPES)}),
      byte_size integer not null check (byte_size > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      storage_key text not null references photo_blobs (storage_key),
      added_by uuid references accounts (id),
      added_by_name text not null,
      added_by_role text not null,
      added_at timestamptz not null,
      removed_at timestamptz,
      removed_by uuid references accounts (id),
      removed_by_name text,
      removal_reason text,
      foreign key (project_id, county_code) references projects (id, county_code),
      constraint project_media_attachment_check check (
        media <> 'attachment' or (kind is not null and btrim(title) <> '' and stage is null and location is null)
      ),
      constraint project_media_photo_check check (
        media <> 'photo' or (
          kind is null and stage is not null and taken_at is not null and location is not null
          and content_type like 'image/%'
          and ST_X(location) between -180 and 180 and ST_Y(location) between -90 and 90
        )
      ),
      constraint project_media_removal_check check (
        (removed_at is null and removed_by_name is null and removal_reason is null)
        or (removed_at is not null and removed_by_name is not null and btrim(removal_reason) <> '')
      )
    )`.execute(db);
  await sql`create index project_media_project_idx on project_media (project_id, media, taken_at)`.execute(db);
}
