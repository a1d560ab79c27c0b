import { api, type Profile, uploadFile } from "../api.js";
import type { AppContext } from "../context.js";
import { announce, busy, errorSlot, field, h } from "../dom.js";
import { formatDateTime } from "../formatting.js";
import { reportError } from "./forms.js";
import { uploadForm } from "./upload-form.js";

const avatarTypes = ["image/png", "image/jpeg", "image/webp"] as const;

export function profileView(ctx: AppContext, container: HTMLElement): string {
  const profile = ctx.profile();
  if (!profile) return "Profile";

  const name = field(
    "Display name",
    h("input", { name: "displayName", type: "text", maxLength: 100, attrs: { autocomplete: "nickname" } }),
    { hint: "Shown in the header instead of your email. Leave it empty to use your email." },
  );
  name.input.value = profile.displayName ?? "";
  const save = h("button", { type: "submit" }, ["Save name"]);
  const nameForm = h("form", { className: "stack", noValidate: true }, [
    name.wrapper,
    h("div", { className: "actions" }, [save]),
  ]);
  nameForm.addEventListener("submit", (event) => {
    event.preventDefault();
    name.error.clear();
    const displayName = name.input.value.trim() || null;
    void busy(save, async () => {
      try {
        const { user } = await api<{ user: Profile }>("PATCH", "/api/me", { json: { displayName } });
        ctx.setProfile(user);
        name.input.value = user.displayName ?? "";
        announce(user.displayName ? `Display name saved: ${user.displayName}.` : "Display name cleared.");
      } catch (error) {
        reportError(error, name.error, { displayName: name });
      }
    });
  });

  const avatarError = errorSlot();
  const avatar = h("div", { className: "avatar" });
  const showAvatar = (current: Profile) => {
    avatarError.clear();
    if (!current.avatarUpdatedAt) {
      avatar.replaceChildren(h("p", { className: "empty" }, ["No avatar yet."]));
      return;
    }
    // The version in the query string makes a new avatar show at once; the service ignores it.
    const image = h("img", {
      src: `/api/me/avatar?v=${encodeURIComponent(current.avatarUpdatedAt)}`,
      alt: "Your avatar",
      width: 96,
      height: 96,
    });
    image.addEventListener("error", () =>
      avatarError.show("The avatar could not be loaded. Reload the page to try again."),
    );
    avatar.replaceChildren(image);
  };
  showAvatar(profile);

  const upload = uploadForm<{ user: Profile }>({
    label: "Avatar image",
    submitLabel: "Upload avatar",
    maxBytes: ctx.limits.maxAvatarBytes,
    kind: "PNG, JPEG or WebP image",
    accept: avatarTypes,
    send: (file, onProgress) => uploadFile("PUT", "/api/me/avatar", "avatar", file, onProgress),
    onUploaded({ user }) {
      ctx.setProfile(user);
      showAvatar(user);
    },
  });

  container.append(
    h("h1", { tabIndex: -1 }, ["Profile"]),
    h("dl", { className: "facts" }, [
      h("dt", {}, ["Email"]),
      h("dd", {}, [profile.email]),
      h("dt", {}, ["Member since"]),
      h("dd", {}, [formatDateTime(profile.createdAt)]),
    ]),
    nameForm,
    h("h2", {}, ["Avatar"]),
    avatar,
    avatarError.element,
    upload.form,
  );
  return "Profile";
}
