import type { Limits, Profile } from "./api.js";

export type Route = "/sign-in" | "/register" | "/tasks" | "/files" | "/profile";

/** What every view gets from the shell (main.ts). */
export interface AppContext {
  readonly limits: Limits;
  /** The signed-in user, or null. */
  profile(): Profile | null;
  /** After sign-in, a profile change, or sign-out (null): updates the header and the routes allowed. */
  setProfile(profile: Profile | null): void;
  /** Goes to `route`, showing `notice` at the top of the next page. */
  navigate(route: Route, notice?: string): void;
  /** The email just registered, to fill in on the sign-in page. */
  registeredEmail?: string;
}
