// The service's JSON API, called on the page's own origin: locally Express serves both, behind
// CloudFront `/api/*` goes to the load balancer. The session is the HttpOnly cookie set at login; the
// page never sees the token. Every request carries X-Requested-With, which the service requires on
// cookie-authenticated requests that change data (service/routes/csrf.ts).

export interface Profile {
  id: string;
  email: string;
  displayName: string | null;
  avatarUpdatedAt: string | null;
  createdAt: string;
}

export interface Task {
  id: string;
  title: string;
  notes: string | null;
  done: boolean;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Limits {
  maxUploadBytes: number;
  maxAvatarBytes: number;
}

/** An API call that failed, with a message meant for people. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached, -1 when the user cancelled. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the server complained about ("title"), when it named one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const fieldLabels: Record<string, string> = {
  email: "Email",
  password: "Password",
  title: "Title",
  displayName: "Display name",
};

const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** Turns the service's `{error: {code, message}}` into plain words (README: API, error codes). */
export function errorFromResponse(status: number, body: unknown, requestId: string | null): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : "internal";
  const message = typeof error?.message === "string" ? error.message : "";
  switch (code) {
    case "invalid_request": {
      const named = /^(\w+): (.+)$/.exec(message);
      if (named?.[1] && named[2]) {
        return new ApiError(
          status,
          code,
          sentence(`${fieldLabels[named[1]] ?? named[1]} ${named[2]}`),
          named[1],
        );
      }
      return new ApiError(status, code, sentence(message || "the request was not valid"));
    }
    case "unauthorized":
      return new ApiError(
        status,
        code,
        message === "email or password is incorrect"
          ? "The email or password is incorrect."
          : "Your session has ended. Sign in again.",
      );
    case "forbidden":
      return new ApiError(
        status,
        code,
        "The request was refused for security reasons. Reload the page and try again.",
      );
    case "not_found":
      return new ApiError(status, code, "It no longer exists: it may have been deleted in another window.");
    case "conflict":
    case "unsupported_media_type":
      return new ApiError(status, code, sentence(message));
    case "payload_too_large":
      return new ApiError(status, code, "The file is larger than the service accepts.");
    case "rate_limited":
      return new ApiError(status, code, "Too many attempts. Wait a minute, then try again.");
    case "unavailable":
      return new ApiError(status, code, "The service is briefly unavailable. Try again in a few seconds.");
    default:
      return new ApiError(
        status,
        code,
        `Something went wrong on our side (error ${status}${requestId ? `, reference ${requestId}` : ""}). Try again in a moment.`,
      );
  }
}

const offline = () =>
  new ApiError(0, "network", "The service could not be reached. Check your connection and try again.");

let sessionEnded: (() => void) | undefined;

/** Called when a request answers 401: the session expired or was ended elsewhere. */
export function onSessionEnded(handler: () => void): void {
  sessionEnded = handler;
}

const csrfHeaders = { "X-Requested-With": "fetch" };

export async function api<T>(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  options: { json?: unknown; unauthorizedIsAnswer?: boolean } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers:
        options.json === undefined ? csrfHeaders : { ...csrfHeaders, "Content-Type": "application/json" },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    });
  } catch {
    throw offline();
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as T;
  if (response.status === 401 && !options.unauthorizedIsAnswer) sessionEnded?.();
  throw errorFromResponse(response.status, body, response.headers.get("X-Request-Id"));
}

export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

/**
 * Sends one file as multipart/form-data. XMLHttpRequest rather than fetch: only it reports upload
 * progress. The body streams from disk; nothing is read into memory first.
 */
export function uploadFile<T>(
  method: "POST" | "PUT",
  path: string,
  field: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Upload<T> {
  const request = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    request.open(method, path);
    request.setRequestHeader("X-Requested-With", csrfHeaders["X-Requested-With"]);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    request.addEventListener("load", () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {}
      if (request.status >= 200 && request.status < 300) return resolve(body as T);
      if (request.status === 401) sessionEnded?.();
      reject(errorFromResponse(request.status, body, request.getResponseHeader("X-Request-Id")));
    });
    request.addEventListener("error", () =>
      reject(
        new ApiError(0, "network", "The upload stopped: the connection to the service was lost. Try again."),
      ),
    );
    request.addEventListener("abort", () => reject(new ApiError(-1, "aborted", "Upload cancelled.")));
    const form = new FormData();
    form.append(field, file, file.name);
    request.send(form);
  });
  return { done, abort: () => request.abort() };
}
