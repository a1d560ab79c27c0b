// The web front end end to end, in headless Chromium (Debian's `chromium`, driven by playwright-core)
// against the real service on real PostgreSQL and the S3 stand-in. One user's journey, in order:
// each test continues where the previous one left off.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../test/harness.js";
import { buildWeb } from "./build.js";

const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const artifacts = path.resolve(import.meta.dirname, "../../test-results/e2e");
const maxUploadBytes = 3 * 1024 * 1024;
const password = "correct horse battery staple";

let webRoot: string;
let service: TestService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Content-Security-Policy violations and uncaught errors the page reported. */
const pageProblems: string[] = [];
/** Every page checked and its violations, printed at the end; critical and serious ones fail. */
const accessibilityReport: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`,
    );
  }
  webRoot = await mkdtemp(path.join(os.tmpdir(), "web-e2e-"));
  const [, started, launched] = await Promise.all([
    mkdir(artifacts, { recursive: true }),
    buildWeb({ outDir: webRoot }).then(() =>
      startTestService({ webRoot, env: { MAX_UPLOAD_BYTES: String(maxUploadBytes) } }),
    ),
    chromium.launch({
      executablePath: chromiumPath,
      // What works on a machine with no network but loopback (see .library/env/machines/node.md).
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    }),
  ]);
  service = started;
  browser = launched;
  context = await browser.newContext({ viewport: { width: 1000, height: 720 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("pageerror", (error) => pageProblems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(message.text());
  });
});

afterAll(async () => {
  if (accessibilityReport.length > 0) {
    console.log(`axe-core ${axe.version}, violations per page:\n${accessibilityReport.join("\n")}`);
  }
  await browser?.close();
  await service?.stop();
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page; critical and serious violations fail, the rest are reported. */
async function expectAccessible(name: string): Promise<void> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(axe.source);
  const violations = await page.evaluate(async (): Promise<Violation[]> => {
    const { axe: inPage } = window as unknown as { axe: typeof axe };
    const results = await inPage.run(document, { resultTypes: ["violations"] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
  });
  const blocking = violations.filter((v) => v.impact === "critical" || v.impact === "serious");
  accessibilityReport.push(`  ${name}: ${violations.length}`);
  for (const v of violations.filter((v) => !blocking.includes(v))) {
    accessibilityReport.push(`    ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(", ")}`);
  }
  expect(blocking, `${name}: ${JSON.stringify(blocking, null, 2)}`).toEqual([]);
}

const heading = (name: string) => page.getByRole("heading", { level: 1, name });
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function register(email: string): Promise<void> {
  await page.goto(`${service.url}/#/register`);
  await heading("Create an account").waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await heading("Sign in").waitFor();
}

async function signIn(email: string): Promise<void> {
  await expect.poll(() => page.getByLabel("Email").inputValue()).toBe(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await heading("Tasks").waitFor();
}

const taskTitles = () => page.locator(".task-title").allTextContents();
const firstUser = { email: `ada.${randomUUID().slice(0, 8)}@example.test` };
let firstUserFileId: string;

describe("the web front end in a browser", () => {
  it("registers, refuses a wrong password in plain words next to the form, then signs in", async () => {
    await page.goto(`${service.url}/`);
    await heading("Sign in").waitFor();
    await expectAccessible("sign-in page");

    await page.getByRole("link", { name: "Create an account" }).click();
    await heading("Create an account").waitFor();
    await page.getByLabel("Email").fill(firstUser.email);
    await page.getByLabel("Password").fill("too short");
    await page.getByRole("button", { name: "Create account" }).click();
    const passwordInput = page.getByLabel("Password");
    await expect.poll(() => passwordInput.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible("register page with an error");

    await passwordInput.fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await heading("Sign in").waitFor();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Account created");

    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").allTextContents())
      .toContain("The email or password is incorrect.");

    await signIn(firstUser.email);
    const cookies = await context.cookies();
    expect(cookies.find((cookie) => cookie.name === "session")?.httpOnly).toBe(true);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).toBe("{}");
  });

  it("adds three tasks with the keyboard, completes one and filters by done", async () => {
    const newTask = page.getByLabel("New task");
    for (const title of ["Write the release notes", "Book the team lunch", "Rotate the signing key"]) {
      await newTask.focus();
      await page.keyboard.type(title);
      await page.keyboard.press("Enter");
      await expect.poll(taskTitles).toContain(title);
    }
    expect(await taskTitles()).toEqual([
      "Rotate the signing key",
      "Book the team lunch",
      "Write the release notes",
    ]);

    await page.getByRole("checkbox", { name: "Book the team lunch" }).focus();
    await page.keyboard.press("Space");
    await expect.poll(() => page.getByRole("status").last().textContent()).toContain("marked done");

    await page.getByRole("radio", { name: "Done" }).check();
    await expect.poll(taskTitles).toEqual(["Book the team lunch"]);
    await page.getByRole("radio", { name: "Open" }).check();
    await expect.poll(taskTitles).toEqual(["Rotate the signing key", "Write the release notes"]);
    await page.getByRole("radio", { name: "All" }).check();
    await expect.poll(taskTitles).toHaveLength(3);

    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifacts, "tasks.png"), fullPage: true });
    await expectAccessible("tasks page");
  });

  it("edits and deletes a task, and loads more than one page", async () => {
    await page.getByRole("button", { name: "Edit “Rotate the signing key”" }).click();
    const title = page.getByLabel("Title", { exact: true });
    await title.fill("Rotate the signing key on Friday");
    await title.press("Enter");
    await expect.poll(taskTitles).toContain("Rotate the signing key on Friday");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toContain("Edit");

    await page.getByRole("button", { name: "Delete “Write the release notes”" }).click();
    await expect.poll(taskTitles).toEqual(["Rotate the signing key on Friday", "Book the team lunch"]);

    // 20 more through the API (the page's own session), then the list shows 20 and "Load more".
    await page.evaluate(async () => {
      for (let i = 1; i <= 20; i++) {
        const response = await fetch("/api/tasks", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Requested-With": "fetch" },
          body: JSON.stringify({ title: `Bulk task ${i}` }),
        });
        if (!response.ok) throw new Error(`POST /api/tasks answered ${response.status}`);
      }
    });
    await page.reload();
    await heading("Tasks").waitFor();
    await expect.poll(taskTitles).toHaveLength(20);
    await page.getByRole("button", { name: "Load more tasks" }).click();
    await expect.poll(taskTitles).toHaveLength(22);
    expect(await page.getByRole("button", { name: "Load more tasks" }).isHidden()).toBe(true);
  });

  it("opens a task at its own address, which a reload, back and forward open too; old #/ links still work", async () => {
    await page.getByRole("link", { name: "Open “Book the team lunch”" }).click();
    await heading("Book the team lunch").waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
    expect(await page.getByText("Done", { exact: true }).isVisible()).toBe(true);
    await expectAccessible("task page");

    // A full load of the deep link: the server answers it with index.html, the page shows the task.
    await page.reload();
    await heading("Book the team lunch").waitFor();
    await page.goBack();
    await heading("Tasks").waitFor();
    expect(new URL(page.url()).pathname).toBe("/tasks");
    await page.goForward();
    await heading("Book the team lunch").waitFor();

    await page.goto(`${service.url}/tasks/00000000-0000-7000-8000-000000000000`);
    await heading("Task not found").waitFor();

    await page.goto(`${service.url}/#/files`);
    await heading("Files").waitFor();
    expect(new URL(page.url())).toMatchObject({ pathname: "/files", hash: "" });
    await page.getByRole("link", { name: "Tasks", exact: true }).click();
    await heading("Tasks").waitFor();
    expect(new URL(page.url()).pathname).toBe("/tasks");
  });

  it("shows the size limit, refuses a file over it before sending, uploads with progress and downloads it byte for byte", async () => {
    await page.getByRole("link", { name: "Files" }).click();
    await heading("Files").waitFor();
    expect(await page.getByText("Up to 3 MB per file.").isVisible()).toBe(true);
    const input = page.getByLabel("File to upload");

    let requestsToFiles = 0;
    const countUploads = (request: { method(): string; url(): string }) => {
      if (request.method() === "POST" && request.url().endsWith("/api/files")) requestsToFiles++;
    };
    page.on("request", countUploads);
    await input.setInputFiles({
      name: "too-big.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.alloc(maxUploadBytes + 512 * 1024),
    });
    await expect
      .poll(() => page.getByRole("alert").allTextContents())
      .toContain("“too-big.bin” is 3.5 MB; the limit is 3 MB. Choose a smaller file.");
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    expect(requestsToFiles).toBe(0);

    // A slow uplink, so the progress bar is seen between empty and full.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2 * 1024 * 1024,
    });
    const content = randomBytes(2 * 1024 * 1024 + 4321);
    await input.setInputFiles({ name: "report.bin", mimeType: "application/octet-stream", buffer: content });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.waitForFunction(() => {
      const bar = document.querySelector("progress");
      return bar !== null && bar.value > 0 && bar.value < bar.max;
    });
    const download = page.getByRole("link", { name: "Download “report.bin”" });
    await download.waitFor();
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    page.off("request", countUploads);
    expect(requestsToFiles).toBe(1);

    const [downloaded] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(downloaded.suggestedFilename()).toBe("report.bin");
    const bytes = await readFile(await downloaded.path());
    expect(bytes.length).toBe(content.length);
    expect(sha256(bytes)).toBe(sha256(content));
    firstUserFileId = (await download.getAttribute("href"))!.split("/")[3]!;

    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifacts, "files.png"), fullPage: true });
    await expectAccessible("files page");
  });

  it("sets a display name and an avatar, shown in the header and on the profile", async () => {
    await page.getByRole("link", { name: "Profile" }).click();
    await heading("Profile").waitFor();
    await page.getByLabel("Display name").fill("Ada Lovelace");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect.poll(() => page.locator(".who").textContent()).toBe("Signed in as Ada Lovelace");

    const avatar = await (async () => {
      const painter = await context.newPage();
      await painter.setContent('<div style="width:96px;height:96px;background:#1a56db"></div>');
      const png = await painter.screenshot({ clip: { x: 0, y: 0, width: 96, height: 96 } });
      await painter.close();
      return png;
    })();
    expect(await page.getByText("PNG, JPEG or WebP image, up to 2 MB.").isVisible()).toBe(true);
    await page
      .getByLabel("Avatar image")
      .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: avatar });
    await page.getByRole("button", { name: "Upload avatar" }).click();
    const image = page.getByRole("img", { name: "Your avatar" });
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(96);
    await expectAccessible("profile page");
  });

  it("logs out, and a second user sees none of the first user's tasks, files or avatar", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await heading("Sign in").waitFor();
    expect((await context.cookies()).find((cookie) => cookie.name === "session")).toBeUndefined();
    await page.goto(`${service.url}/#/tasks`);
    await heading("Sign in").waitFor();

    const secondEmail = `grace.${randomUUID().slice(0, 8)}@example.test`;
    await register(secondEmail);
    await signIn(secondEmail);
    await expect.poll(() => page.getByText("No tasks yet. Add one above.").isVisible()).toBe(true);
    expect(await taskTitles()).toEqual([]);

    await page.getByRole("link", { name: "Files" }).click();
    await expect.poll(() => page.getByText("No files yet. Upload one above.").isVisible()).toBe(true);
    const direct = await page.evaluate(async (id) => {
      const [meta, content] = await Promise.all([
        fetch(`/api/files/${id}`),
        fetch(`/api/files/${id}/content`),
      ]);
      return [meta.status, content.status];
    }, firstUserFileId);
    expect(direct).toEqual([404, 404]);

    await page.getByRole("link", { name: "Profile" }).click();
    await expect.poll(() => page.getByText("No avatar yet.").isVisible()).toBe(true);
    expect(await page.locator(".who").textContent()).toBe(`Signed in as ${secondEmail}`);
  });

  it("opens a signed-in page's deep link after signing in, when it was opened signed out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await heading("Sign in").waitFor();
    await page.goto(`${service.url}/files`);
    await heading("Sign in").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByLabel("Email").fill(firstUser.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading("Files").waitFor();
    expect(new URL(page.url()).pathname).toBe("/files");
  });

  it("ran without a Content-Security-Policy violation or an uncaught error", () => {
    expect(pageProblems).toEqual([]);
  });
});
