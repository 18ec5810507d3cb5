// e2e: 监督预警 — money disbursed to a project still waiting for 县级审定; the inspector runs the
// rules from the 监督预警 page and finds the alert with its evidence, opens its project; the county
// office answers it (portrait tablet); the inspector closes it with a reason, and comments on the
// project. Screenshots at 1280×800 and 800×1280 as the inspector and the county official.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, unique } from '../../api/test/db.ts';
import { createProject } from '../../api/modules/funds/test-projects.ts';
import { entry } from '../../api/modules/oversight/rules/test-helpers.ts';
import { LANDSCAPE, login, newTabletContext, openTablet, PORTRAIT, saveScreenshot, type Tablet } from './browser.ts';

describe('监督预警 (inspector → county office → inspector) and comments', () => {
  let tablet: Tablet;
  const name = unique('保家村提前拨付项目');
  let projectId = '';

  beforeAll(async () => {
    tablet = await openTablet(LANDSCAPE);
    const { db } = await getTestDb();
    const p = await createProject(db, { name, state: '县级审定' });
    projectId = p.id;
    await entry(db, p.id, '拨付', 1_200_000, '2026-05-01', { payee: '晴隆县交通运输局' });
  });
  afterAll(() => tablet?.close());

  async function asRole(username: string, viewport: { width: number; height: number }): Promise<Page> {
    const { context } = await newTabletContext(tablet.browser, tablet.server.url, viewport);
    const page = await context.newPage();
    await login(page, username);
    return page;
  }
  const alertOf = (page: Page): Locator => page.locator('[data-alert]', { hasText: name });

  it('the inspector runs the rules and finds the alert with its evidence and a link to the project', async () => {
    const page = tablet.page;
    await login(page, 'qinglong_inspector');
    await page.getByTestId('nav-oversight').click();
    await page.waitForURL('**/oversight');
    await page.getByTestId('oversight-run').click();
    await expect.poll(() => page.locator('.el-message').innerText()).toContain('预警规则已运行');
    await page.goto('/oversight?rule=DISBURSED_BEFORE_APPROVAL');
    const alert = alertOf(page);
    await alert.waitFor();
    expect(await alert.getByTestId('alert-rule').innerText()).toBe('项目入库或公告公示期满前即拨付资金');
    expect(await alert.getByTestId('alert-status').innerText()).toBe('待答复');
    const text = await alert.innerText();
    expect(text).toContain('12000.00');
    expect(text).toContain('晴隆县交通运输局');
    expect(text).toMatch(/已 \d+ 天/);
    // The inspector closes, never answers.
    expect(await alert.getByTestId('alert-answer-button').count()).toBe(0);
    await alert.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'oversight-inspector-1280x800');
    await alert.getByTestId('alert-project').click();
    await page.waitForURL(`**/projects/${projectId}`);
    expect(await page.getByTestId('project-title').innerText()).toBe(name);
  });

  it('the county office answers it on a portrait tablet', async () => {
    const page = await asRole('qinglong_county', PORTRAIT);
    await page.goto('/oversight?rule=DISBURSED_BEFORE_APPROVAL');
    const alert = alertOf(page);
    await alert.waitFor();
    // No close for the office; a run is offered to it.
    expect(await alert.getByTestId('alert-close-button').count()).toBe(0);
    expect(await page.getByTestId('oversight-run').count()).toBe(1);
    await alert.getByTestId('alert-answer-button').click();
    await page.getByTestId('oversight-dialog').waitFor();
    await page.getByTestId('oversight-confirm').click();
    await expect.poll(() => page.locator('.el-message').first().innerText()).toContain('请填写答复');
    await page.getByTestId('oversight-reason').fill('经核实，该笔资金系按县政府专题会议纪要提前拨付，已补办入库手续。');
    await page.getByTestId('oversight-confirm').click();
    await expect.poll(() => alert.getByTestId('alert-status').innerText()).toBe('已答复');
    expect(await alert.getByTestId('alert-answer').innerText()).toContain('已补办入库手续');
    await alert.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'oversight-county-800x1280');
    await page.setViewportSize(LANDSCAPE);
    await alert.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'oversight-county-1280x800');
    await page.context().close();
  });

  it('the inspector closes it with a reason; it leaves the waiting list and shows under 已关闭', async () => {
    const page = tablet.page;
    await page.goto('/oversight?rule=DISBURSED_BEFORE_APPROVAL');
    const alert = alertOf(page);
    await alert.waitFor();
    expect(await alert.getByTestId('alert-status').innerText()).toBe('已答复');
    await alert.getByTestId('alert-close-button').click();
    await page.getByTestId('oversight-reason').fill('答复属实，手续已补齐，予以关闭。');
    await page.getByTestId('oversight-confirm').click();
    await expect.poll(() => alertOf(page).count()).toBe(0);
    await page.goto('/oversight?rule=DISBURSED_BEFORE_APPROVAL&status=closed');
    await alertOf(page).waitFor();
    expect(await alertOf(page).getByTestId('alert-close-note').innerText()).toContain('予以关闭');
    expect(await alertOf(page).getByTestId('alert-status').innerText()).toBe('已关闭');
  });

  it('the inspector comments on the project (portrait)', async () => {
    const page = await asRole('qinglong_inspector', PORTRAIT);
    await page.goto(`/projects/${projectId}`);
    const comments = page.getByTestId('project-comments');
    await comments.waitFor();
    await page.getByTestId('project-comment-text').fill('请县扶贫办补充专题会议纪要原件扫描件。');
    await page.getByTestId('project-comment-send').click();
    await expect.poll(() => comments.getByTestId('project-comment').count()).toBe(1);
    expect(await comments.getByTestId('project-comment').innerText()).toContain('（纪检监察）');
    expect(await comments.getByTestId('project-comment').innerText()).toContain('专题会议纪要原件');
    await comments.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'project-comments-inspector-800x1280');
    await page.goto('/oversight?status=all');
    await page.getByTestId('oversight-list').waitFor();
    await saveScreenshot(page, 'oversight-inspector-800x1280');
    await page.context().close();
  });

  it('备案: the prefecture office reads the projects of 晴隆县 and exports them, with no action offered', async () => {
    const page = await asRole('qianxinan_prefecture', LANDSCAPE);
    expect(await page.getByTestId('nav-oversight').count()).toBe(0);
    await page.getByTestId('nav-projects').click();
    await page.waitForURL('**/projects');
    await page.getByTestId('projects-table').locator('.el-table__row').first().waitFor();
    expect(await page.getByTestId('projects-new').count()).toBe(0);
    const download = page.waitForEvent('download');
    await page.getByTestId('projects-export').click();
    expect((await download).suggestedFilename()).toMatch(/^projects-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await saveScreenshot(page, 'projects-prefecture-1280x800');
    await page.goto(`/projects/${projectId}`);
    await page.getByTestId('project-title').waitFor();
    expect(await page.getByTestId('project-actions').count()).toBe(0);
    expect(await page.getByTestId('project-comments').count()).toBe(0);
    await page.context().close();
  });
});
