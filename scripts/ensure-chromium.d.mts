export declare const CHROMIUM_PATH: string
export declare const INSTALL_CHROMIUM: string
/** Installs Chromium if it is missing; undefined when it is there, else why it is not. */
export declare function ensureChromium (): string | undefined
