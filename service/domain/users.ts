import type { Readable } from "node:stream";
import type { ObjectStore, StoredObject } from "../adapters/object-store.js";
import { AppError, notFound, prismaErrorCode } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { peek } from "./byte-streams.js";
import { detectImageType, imageSignatureLength } from "./images.js";
import { decoyHash, type PasswordHasher } from "./passwords.js";

export interface UserView {
  id: string;
  email: string;
}

export interface ProfileView extends UserView {
  displayName: string | null;
  avatarUpdatedAt: string | null;
  createdAt: string;
}

interface UserRow {
  id: string;
  email: string;
  displayName: string | null;
  avatarUpdatedAt: Date | null;
  createdAt: Date;
}

const profile = (row: UserRow): ProfileView => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  avatarUpdatedAt: row.avatarUpdatedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** Emails are compared case-insensitively: stored and looked up lower-cased. */
const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const avatarKey = (userId: string) => `users/${userId}/avatar`;

export interface UserService {
  register(email: string, password: string): Promise<UserView>;
  /** Throws AppError(unauthorized) with the same message whether the email or the password is wrong. */
  authenticate(email: string, password: string): Promise<UserView>;
  profile(userId: string): Promise<ProfileView>;
  updateProfile(userId: string, changes: { displayName: string | null }): Promise<ProfileView>;
  /** Stores a PNG, JPEG or WebP avatar (identified by its bytes); anything else is AppError(unsupported_media_type). */
  setAvatar(userId: string, body: Readable): Promise<ProfileView>;
  avatar(userId: string): Promise<StoredObject>;
}

export function createUserService(deps: {
  prisma: PrismaClient;
  objectStore: ObjectStore;
  passwords: PasswordHasher;
}): UserService {
  const { prisma, objectStore, passwords } = deps;
  const decoy = decoyHash(passwords);
  // Computed up front so that not even the first login with an unknown email costs an extra hash.
  decoy().catch(() => {});

  async function findProfile(userId: string): Promise<ProfileView> {
    const row = await prisma.user.findUnique({ where: { id: userId } });
    if (!row) throw notFound("user");
    return profile(row);
  }

  return {
    async register(email, password) {
      const passwordHash = await passwords.hash(password);
      try {
        const row = await prisma.user.create({ data: { email: normalizeEmail(email), passwordHash } });
        return { id: row.id, email: row.email };
      } catch (error) {
        if (prismaErrorCode(error) === "P2002") {
          throw new AppError("conflict", "an account with this email already exists");
        }
        throw error;
      }
    },

    async authenticate(email, password) {
      const row = await prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
      const valid = await passwords.verify(row?.passwordHash ?? (await decoy()), password);
      if (!row || !valid) throw new AppError("unauthorized", "email or password is incorrect");
      return { id: row.id, email: row.email };
    },

    profile: findProfile,

    async updateProfile(userId, changes) {
      try {
        return profile(await prisma.user.update({ where: { id: userId }, data: changes }));
      } catch (error) {
        if (prismaErrorCode(error) === "P2025") throw notFound("user");
        throw error;
      }
    },

    async setAvatar(userId, source) {
      const { head, body } = await peek(source, imageSignatureLength);
      const type = detectImageType(head);
      if (!type) {
        body.destroy();
        throw new AppError("unsupported_media_type", "avatar must be a PNG, JPEG or WebP image");
      }
      // One object per user, replaced whole: a failed upload leaves the previous avatar in place.
      await objectStore.put(avatarKey(userId), body, type);
      return profile(
        await prisma.user.update({ where: { id: userId }, data: { avatarUpdatedAt: new Date() } }),
      );
    },

    async avatar(userId) {
      const object = await objectStore.get(avatarKey(userId));
      if (!object) throw notFound("avatar");
      return object;
    },
  };
}
