/** The slice of madge's API the structure tests use (madge ships no type declarations). */
declare module 'madge' {
  interface MadgeResult {
    /** Module → the modules it imports, paths relative to the base directory. */
    obj(): Record<string, string[]>;
    /** Every import circle, each as the list of modules around it. */
    circular(): string[][];
    warnings(): { skipped: string[] };
  }
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: { ts?: { skipTypeImports?: boolean } };
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
