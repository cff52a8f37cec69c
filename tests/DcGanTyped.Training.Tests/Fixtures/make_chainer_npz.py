#!/usr/bin/env python3
"""Writes the NumPy fixtures the interop tests read (needs only NumPy; the tests themselves need no Python).

    python3 make_chainer_npz.py            # run inside this folder; rewrites the files below

chainer/gen_narrow.npz, chainer/dis_narrow.npz
    Weights of the narrow (ch=64) Generator and Discriminator in the exact layout Chainer's
    serializers.save_npz writes for examples/dcgan/net.py: keys 'l0/W', 'l0/b', 'bn0/gamma', 'bn0/beta',
    'bn0/avg_mean', 'bn0/avg_var', 'bn0/N', 'dc1/W', ..., 'c0_0/W', ..., 'l4/W', 'l4/b'; float32 arrays,
    BatchNormalization's N as an int64 scalar, compressed (save_npz's default). Values are random with a fixed
    seed and rounded to multiples of 2**-12 so the archives compress well and stay small. The weight scale
    (std 0.05) and running variances (0.03..0.1) are chosen so that activations stay near unit scale and the
    generator's output spans (0, 1) instead of sitting at 0.5, which makes the forward comparison meaningful.
chainer/gen_narrow_forward.npz
    'z' (2, 100) and 'x' (2, 3, 32, 32): the generator's forward pass in evaluation mode (BatchNormalization
    uses avg_mean/avg_var, eps=2e-5), computed here in float64 with NumPy only, as an independent reference.
chainer/dis_narrow_forward.npz
    'x' (the generator's output above) and 'y' (2, 1): the discriminator's forward pass in evaluation mode
    (no noise), computed the same way.
npy/*.npy
    Small arrays covering the .npy versions and the dtypes/orders the reader must accept or refuse.
"""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CH = 64
N_HIDDEN = 100
BOTTOM = 4
EPS = 2e-5

rng = np.random.RandomState(20240601)


def q(a):
    """Rounds to multiples of 2**-12 (exactly representable in float32) so deflate compresses the data."""
    return (np.round(np.asarray(a, dtype=np.float64) * 4096.0) / 4096.0).astype(np.float32)


def normal(shape, std=0.05):
    return q(rng.normal(0.0, std, size=shape))


def batchnorm(d, name, size, gamma=True):
    if gamma:
        d[name + '/gamma'] = q(rng.uniform(0.5, 1.5, size))
    d[name + '/beta'] = q(rng.uniform(-0.2, 0.2, size))
    d[name + '/avg_mean'] = q(rng.uniform(-0.1, 0.1, size))
    d[name + '/avg_var'] = q(rng.uniform(0.03, 0.1, size))
    d[name + '/N'] = np.asarray(7, dtype=np.int64)


def generator():
    d = {}
    d['l0/W'] = normal((BOTTOM * BOTTOM * CH, N_HIDDEN))       # Linear: (out, in)
    d['l0/b'] = normal((BOTTOM * BOTTOM * CH,))
    d['dc1/W'] = normal((CH, CH // 2, 4, 4))                    # Deconvolution2D: (in, out, kh, kw)
    d['dc1/b'] = normal((CH // 2,))
    d['dc2/W'] = normal((CH // 2, CH // 4, 4, 4))
    d['dc2/b'] = normal((CH // 4,))
    d['dc3/W'] = normal((CH // 4, CH // 8, 4, 4))
    d['dc3/b'] = normal((CH // 8,))
    d['dc4/W'] = normal((CH // 8, 3, 3, 3))
    d['dc4/b'] = normal((3,))
    batchnorm(d, 'bn0', BOTTOM * BOTTOM * CH)
    batchnorm(d, 'bn1', CH // 2)
    batchnorm(d, 'bn2', CH // 4)
    batchnorm(d, 'bn3', CH // 8)
    return d


def discriminator():
    d = {}
    convs = [('c0_0', 3, CH // 8, 3), ('c0_1', CH // 8, CH // 4, 4), ('c1_0', CH // 4, CH // 4, 3),
             ('c1_1', CH // 4, CH // 2, 4), ('c2_0', CH // 2, CH // 2, 3), ('c2_1', CH // 2, CH, 4),
             ('c3_0', CH, CH, 3)]
    for name, cin, cout, k in convs:
        d[name + '/W'] = normal((cout, cin, k, k))              # Convolution2D: (out, in, kh, kw)
        d[name + '/b'] = normal((cout,))
    d['l4/W'] = normal((1, BOTTOM * BOTTOM * CH))
    d['l4/b'] = normal((1,))
    for name, size in [('bn0_1', CH // 4), ('bn1_0', CH // 4), ('bn1_1', CH // 2), ('bn2_0', CH // 2),
                       ('bn2_1', CH), ('bn3_0', CH)]:
        batchnorm(d, name, size, gamma=False)
    return d


def bn_eval(h, d, name):
    shape = (1, -1) + (1,) * (h.ndim - 2)
    mean = d[name + '/avg_mean'].astype(np.float64).reshape(shape)
    var = d[name + '/avg_var'].astype(np.float64).reshape(shape)
    gamma = d[name + '/gamma'].astype(np.float64).reshape(shape)
    beta = d[name + '/beta'].astype(np.float64).reshape(shape)
    return (h - mean) / np.sqrt(var + EPS) * gamma + beta


def deconv(h, w, b, stride, pad):
    """Transposed convolution by scattering each kernel tap: out[y*s - p + ky, x*s - p + kx] += in[y, x] * W[ky, kx]."""
    n, _, height, width = h.shape
    _, cout, kh, kw = w.shape
    full_h = (height - 1) * stride + kh
    full_w = (width - 1) * stride + kw
    out = np.zeros((n, cout, full_h, full_w))
    w = w.astype(np.float64)
    for ky in range(kh):
        for kx in range(kw):
            tap = np.einsum('nihw,io->nohw', h, w[:, :, ky, kx])
            out[:, :, ky:ky + (height - 1) * stride + 1:stride, kx:kx + (width - 1) * stride + 1:stride] += tap
    out = out[:, :, pad:full_h - pad, pad:full_w - pad]
    return out + b.astype(np.float64).reshape(1, -1, 1, 1)


def conv(h, w, b, stride, pad):
    """Convolution by gathering each kernel tap: out[y, x] += W[ky, kx] . in[y*s - p + ky, x*s - p + kx]."""
    n, _, height, width = h.shape
    cout, _, kh, kw = w.shape
    hp = np.pad(h, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out_h = (height + 2 * pad - kh) // stride + 1
    out_w = (width + 2 * pad - kw) // stride + 1
    out = np.zeros((n, cout, out_h, out_w))
    w = w.astype(np.float64)
    for ky in range(kh):
        for kx in range(kw):
            window = hp[:, :, ky:ky + (out_h - 1) * stride + 1:stride, kx:kx + (out_w - 1) * stride + 1:stride]
            out += np.einsum('nihw,oi->nohw', window, w[:, :, ky, kx])
    return out + b.astype(np.float64).reshape(1, -1, 1, 1)


def bn_eval_no_gamma(h, d, name):
    shape = (1, -1, 1, 1)
    mean = d[name + '/avg_mean'].astype(np.float64).reshape(shape)
    var = d[name + '/avg_var'].astype(np.float64).reshape(shape)
    return (h - mean) / np.sqrt(var + EPS) + d[name + '/beta'].astype(np.float64).reshape(shape)


def discriminator_forward(d, x):
    """Evaluation mode: add_noise is the identity when chainer.config.train is False."""
    lrelu = lambda a: np.where(a >= 0, a, 0.2 * a)
    h = lrelu(conv(x, d['c0_0/W'], d['c0_0/b'], 1, 1))
    for c, bn, stride in [('c0_1', 'bn0_1', 2), ('c1_0', 'bn1_0', 1), ('c1_1', 'bn1_1', 2), ('c2_0', 'bn2_0', 1),
                          ('c2_1', 'bn2_1', 2), ('c3_0', 'bn3_0', 1)]:
        k = d[c + '/W'].shape[2]
        h = lrelu(bn_eval_no_gamma(conv(h, d[c + '/W'], d[c + '/b'], stride, (k - 1) // 2 if stride == 1 else 1), d, bn))
    return h.reshape(len(x), -1) @ d['l4/W'].astype(np.float64).T + d['l4/b'].astype(np.float64)


def generator_forward(d, z):
    relu = lambda a: np.maximum(a, 0.0)
    h = z @ d['l0/W'].astype(np.float64).T + d['l0/b'].astype(np.float64)
    h = relu(bn_eval(h, d, 'bn0')).reshape(len(z), CH, BOTTOM, BOTTOM)
    h = relu(bn_eval(deconv(h, d['dc1/W'], d['dc1/b'], 2, 1), d, 'bn1'))
    h = relu(bn_eval(deconv(h, d['dc2/W'], d['dc2/b'], 2, 1), d, 'bn2'))
    h = relu(bn_eval(deconv(h, d['dc3/W'], d['dc3/b'], 2, 1), d, 'bn3'))
    return 1.0 / (1.0 + np.exp(-deconv(h, d['dc4/W'], d['dc4/b'], 1, 1)))


def write_npy_cases(folder):
    os.makedirs(folder, exist_ok=True)
    a = (np.arange(6, dtype=np.float64).reshape(2, 3) * 0.5 - 1.0)   # [-1, -0.5, 0, 0.5, 1, 1.5]
    np.save(os.path.join(folder, 'f4_v1.npy'), a.astype('<f4'))
    np.save(os.path.join(folder, 'f8_v1.npy'), a.astype('<f8'))
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(folder, 'f4_v%d.npy' % version[0]), 'wb') as f:
            np.lib.format.write_array(f, a.astype('<f4'), version=version)
    np.save(os.path.join(folder, 'f4_scalar.npy'), np.asarray(2.5, dtype='<f4'))
    np.save(os.path.join(folder, 'f4_vector.npy'), np.asarray([1.0, 2.0, 3.0], dtype='<f4'))
    np.save(os.path.join(folder, 'f4_empty.npy'), np.zeros((0, 3), dtype='<f4'))
    np.save(os.path.join(folder, 'i8_scalar.npy'), np.asarray(7, dtype='<i8'))
    np.save(os.path.join(folder, 'f4_big_endian.npy'), a.astype('>f4'))
    np.save(os.path.join(folder, 'f4_fortran.npy'), np.asfortranarray(a.astype('<f4')))
    np.save(os.path.join(folder, 'structured.npy'), np.zeros(2, dtype=[('x', '<f4'), ('y', '<f4')]))
    # A harmless pickled object array: the reader must refuse it without unpickling anything.
    np.save(os.path.join(folder, 'object.npy'), np.array([{'a': 1}, None], dtype=object), allow_pickle=True)


def main():
    gen = generator()
    dis = discriminator()
    folder = os.path.join(HERE, 'chainer')
    os.makedirs(folder, exist_ok=True)
    np.savez_compressed(os.path.join(folder, 'gen_narrow.npz'), **gen)
    np.savez_compressed(os.path.join(folder, 'dis_narrow.npz'), **dis)
    z = q(rng.uniform(-1.0, 1.0, (2, N_HIDDEN))).astype(np.float64)
    x = generator_forward(gen, z)
    np.savez_compressed(os.path.join(folder, 'gen_narrow_forward.npz'),
                        z=z.astype(np.float32), x=x.astype(np.float32))
    np.savez_compressed(os.path.join(folder, 'dis_narrow_forward.npz'),
                        x=x.astype(np.float32), y=discriminator_forward(dis, x.astype(np.float32).astype(np.float64)).astype(np.float32))
    write_npy_cases(os.path.join(HERE, 'npy'))


if __name__ == '__main__':
    main()
