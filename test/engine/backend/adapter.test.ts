import { describe, expect, it } from 'vitest';
import { describeAdapter, summariseAdapter, type AdapterFacts } from '../../../engine/backend/adapter.js';

const facts = (f: Partial<AdapterFacts>): AdapterFacts => ({ vendor: '', architecture: '', device: '', description: '', ...f });

describe('summariseAdapter and describeAdapter', () => {
  it('names Mesa lavapipe as Dawn reports it and calls it software', () => {
    // GPUAdapterInfo from Dawn (webgpu 0.6.2) on Mesa 25.0.7 from bookworm-backports.
    const lavapipe = facts({
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
      isFallbackAdapter: true,
    });
    const s = summariseAdapter(lavapipe, 'Vulkan');
    expect(s).toMatchObject({ api: 'Vulkan', name: 'mesa llvmpipe', software: true });
    expect(describeAdapter(s)).toBe('webgpu (Vulkan, mesa llvmpipe, software)');
  });

  it('recognises software devices by name when the adapter does not say so', () => {
    const swiftshader = summariseAdapter(facts({ vendor: 'google', device: 'swiftshader-device-llvm-16-0-0' }), 'Vulkan');
    expect(swiftshader).toMatchObject({ name: 'google swiftshader', software: true });
    const warp = summariseAdapter(facts({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }), 'D3D12');
    expect(warp.software).toBe(true);
    expect(summariseAdapter(facts({ vendor: 'x', isFallbackAdapter: true }), 'Vulkan').software).toBe(true);
  });

  it('calls a GPU hardware and names its architecture', () => {
    const nvidia = summariseAdapter(
      facts({ vendor: 'nvidia', architecture: 'ampere', device: 'nvidia-geforce-rtx-3080', description: 'NVIDIA: 550.54.14' }),
      'Vulkan',
    );
    expect(nvidia).toMatchObject({ name: 'nvidia geforce rtx 3080', software: false });
    expect(describeAdapter(nvidia)).toBe('webgpu (Vulkan, nvidia geforce rtx 3080, ampere)');
    const apple = summariseAdapter(facts({ vendor: 'apple', architecture: 'metal-3', device: '' }), 'Metal');
    expect(describeAdapter(apple)).toBe('webgpu (Metal, apple, metal-3)');
    const bare = summariseAdapter(facts({ vendor: 'amd', device: 'radeon-rx-7900' }), 'Vulkan');
    expect(describeAdapter(bare)).toBe('webgpu (Vulkan, amd radeon rx 7900, hardware)');
  });

  it('does not take a word that merely contains a software name for one', () => {
    expect(summariseAdapter(facts({ vendor: 'acme', device: 'warpdrive-9000' }), 'Vulkan').software).toBe(false);
  });
});
