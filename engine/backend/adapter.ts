/**
 * What a WebGPU adapter is, in the words the engine shows: which graphics API
 * Dawn drives it through, a short name, and whether it is a software
 * rasteriser (Mesa's lavapipe "llvmpipe", SwiftShader, Microsoft WARP) that
 * computes on the CPU. Pure: no Dawn, no tfjs, so it is tested on any machine.
 */

/** The fields of GPUAdapterInfo the engine reads (all strings, possibly empty). */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** GPUAdapterInfo.isFallbackAdapter where the implementation has it. */
  isFallbackAdapter?: boolean;
}

export interface AdapterSummary extends AdapterFacts {
  /** The native API Dawn uses for it, e.g. "Vulkan". */
  api: string;
  /** e.g. "mesa llvmpipe" or "nvidia geforce rtx 3080". */
  name: string;
  software: boolean;
}

/**
 * Software devices by the names their drivers report. A fallback adapter says so
 * itself, but not every Dawn build fills isFallbackAdapter, and lavapipe also
 * reports architecture "software"; the names catch the rest.
 */
const SOFTWARE_DEVICES = ['llvmpipe', 'lavapipe', 'softpipe', 'swiftshader', 'microsoft basic render driver', 'warp'];

function softwareDeviceName(text: string): string | undefined {
  const words = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  return SOFTWARE_DEVICES.find((name) => ` ${words} `.includes(` ${name} `));
}

/** Dawn reports the device as a lower-case slug ("llvmpipe-llvm-15-0-6-256-bits-"); make it words. */
function deviceWords(device: string): string {
  return device.replace(/[-_\s]+/g, ' ').trim();
}

export function summariseAdapter(facts: AdapterFacts, api: string): AdapterSummary {
  const knownSoftware = softwareDeviceName(`${facts.device} ${facts.description}`);
  const software =
    facts.isFallbackAdapter === true || facts.architecture.toLowerCase() === 'software' || knownSoftware !== undefined;
  const vendor = facts.vendor.trim();
  const device = knownSoftware ?? deviceWords(facts.device);
  // "nvidia nvidia geforce ..." reads badly: drop the vendor when the device starts with it.
  const name =
    vendor === '' || device.toLowerCase().startsWith(vendor.toLowerCase())
      ? device || vendor || 'unnamed adapter'
      : device === ''
        ? vendor
        : `${vendor} ${device}`;
  return { ...facts, api, name, software };
}

/** The backend detail, e.g. "webgpu (Vulkan, mesa llvmpipe, software)" or "webgpu (Metal, apple m1, metal-3)". */
export function describeAdapter(adapter: AdapterSummary): string {
  const kind = adapter.software ? 'software' : adapter.architecture.trim() || 'hardware';
  return `webgpu (${adapter.api}, ${adapter.name}, ${kind})`;
}
