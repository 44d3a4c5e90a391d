// every write goes to this in-memory tree first; --dry-run and --json read it, a flush writes it.

export interface TreeFile {
  path: string;
  /** text as a string; a file that is not UTF-8 text (an image, a font) as its bytes */
  content: string | Buffer;
  /** the feature that wrote it, recorded in the manifest */
  owner: string;
}

export class Tree {
  readonly #files = new Map<string, TreeFile>();

  /** adds a file; two features writing one path is a bug in the generator, not a merge */
  add(path: string, content: string | Buffer, owner: string): void {
    const existing = this.#files.get(path);
    if (existing) {
      throw new Error(`${owner} and ${existing.owner} both write ${path}`);
    }
    this.#files.set(path, { path, content, owner });
  }

  /** adds a file made apart from the tree (the base, deflated in the thread pool) */
  addFile({ path, content, owner }: TreeFile): void {
    this.add(path, content, owner);
  }

  /** rewrites a file already in the tree, for a pass over the whole project (the glossary) */
  replace(path: string, content: string | Buffer): void {
    const existing = this.#files.get(path);
    if (!existing) throw new Error(`nothing wrote ${path}`);
    this.#files.set(path, { ...existing, content });
  }

  /** moves a file to another path, e.g. beside a file of the user's that it must not replace */
  rename(path: string, to: string): void {
    const existing = this.#files.get(path);
    if (!existing) throw new Error(`nothing wrote ${path}`);
    this.#files.delete(path);
    this.add(to, existing.content, existing.owner);
  }

  get(path: string): TreeFile | undefined {
    return this.#files.get(path);
  }

  has(path: string): boolean {
    return this.#files.has(path);
  }

  /** files sorted by path, so every listing and the manifest are stable */
  files(): TreeFile[] {
    return [...this.#files.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  get size(): number {
    return this.#files.size;
  }
}
