import { api, type Profile } from "../api.js";
import type { AppContext } from "../context.js";
import { busy, errorSlot, field, h } from "../dom.js";
import { checkFields, reportError } from "./forms.js";

function credentialsForm(options: {
  submitLabel: string;
  newPassword: boolean;
  email?: string;
  onSubmit: (email: string, password: string) => Promise<void>;
}) {
  const email = field(
    "Email",
    h("input", {
      name: "email",
      type: "email",
      required: true,
      maxLength: 254,
      autocomplete: "email",
      value: options.email ?? "",
    }),
  );
  const password = field(
    "Password",
    h("input", {
      name: "password",
      type: "password",
      required: true,
      maxLength: 128,
      ...(options.newPassword ? { minLength: 12 } : {}),
      autocomplete: options.newPassword ? "new-password" : "current-password",
    }),
    options.newPassword ? { hint: "At least 12 characters. A few unrelated words make a good one." } : {},
  );
  const submit = h("button", { type: "submit" }, [options.submitLabel]);
  const formError = errorSlot(submit);
  const fields = { email, password };
  const form = h("form", { className: "stack", noValidate: true }, [
    email.wrapper,
    password.wrapper,
    h("div", { className: "actions" }, [submit]),
    formError.element,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    formError.clear();
    if (!checkFields([email, password])) return;
    void busy(submit, () =>
      options.onSubmit(email.input.value.trim(), password.input.value).catch((error: unknown) => {
        reportError(error, formError, fields);
      }),
    );
  });
  return { form };
}

export function signInView(ctx: AppContext, container: HTMLElement): string {
  const { form } = credentialsForm({
    submitLabel: "Sign in",
    newPassword: false,
    ...(ctx.registeredEmail ? { email: ctx.registeredEmail } : {}),
    async onSubmit(email, password) {
      const { user } = await api<{ user: Profile }>("POST", "/api/auth/login", {
        json: { email, password },
        unauthorizedIsAnswer: true,
      });
      // Login answers {id, email}; the header wants the whole profile.
      const { user: profile } = await api<{ user: Profile }>("GET", "/api/me");
      ctx.registeredEmail = undefined;
      ctx.setProfile({ ...user, ...profile });
      ctx.navigate("/tasks");
    },
  });
  container.append(
    h("h1", { tabIndex: -1 }, ["Sign in"]),
    form,
    h("p", {}, ["New here? ", h("a", { href: "/register" }, ["Create an account"])]),
  );
  return "Sign in";
}

export function registerView(ctx: AppContext, container: HTMLElement): string {
  const { form } = credentialsForm({
    submitLabel: "Create account",
    newPassword: true,
    async onSubmit(email, password) {
      await api("POST", "/api/auth/register", { json: { email, password } });
      ctx.registeredEmail = email;
      ctx.navigate("/sign-in", "Account created. Sign in with your new password.");
    },
  });
  container.append(
    h("h1", { tabIndex: -1 }, ["Create an account"]),
    form,
    h("p", {}, ["Already have an account? ", h("a", { href: "/sign-in" }, ["Sign in"])]),
  );
  return "Create an account";
}
