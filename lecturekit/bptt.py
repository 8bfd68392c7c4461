"""The LSTM's recurrence over a whole sequence, with back-propagation through time written out.

:func:`lecturekit.cells.unroll` runs an LSTM through :class:`LSTMSequence` instead of recording
every step with autograd: the same numbers (tests/test_cells.py checks them against torch's
``nn.LSTM`` and with ``gradcheck``), in a fraction of the bookkeeping.
"""

from __future__ import annotations

import torch

__all__ = ["LSTMSequence"]


class LSTMSequence(torch.autograd.Function):
    """The LSTM's recurrence over a whole sequence, with back-propagation through time written out.

    ``LSTMSequence.apply(wx, U, h0, c0) -> (hs, c_T)``: wx (T, batch, 4H) holds
    W x_t + b for the gates f, i, o, c; U (4H, H) the stacked U matrices; h0, c0 (batch, H);
    hs (T, batch, H) holds h_1 ... h_T. Same numbers as calling ``LSTMCell.step`` T times,
    without autograd's bookkeeping at every step. Everything that does not depend on the
    recurrence is computed for all steps at once; so is the gradient of U, one product for
    all steps (the mirror image of computing W x for all steps before the loop).

        backward, from t = T down to 1, with dh = dL/dh_t and dc = dL/dc_t:
            dc  += dh * o_t * (1 - tanh(c_t)**2)                        (h_t = o_t tanh(c_t))
            [df, di, do] = [dc * c_(t-1), dc * c~_t, dh * tanh(c_t)]     (c_t = f c_(t-1) + i c~_t)
            dpre_t = [df, di, do] * s (1 - s)  with s = [f_t, i_t, o_t],  and  dc * i_t (1 - c~_t**2)
            dL/dh_(t-1) = dpre_t U + (the loss's own dL/dh_(t-1)),   dL/dc_(t-1) = dc * f_t
        dL/dU = sum_t dpre_t^T h_(t-1),   dL/dwx_t = dpre_t.
    """

    @staticmethod
    def forward(ctx, wx, U, h0, c0):
        T, B, G = wx.shape
        H = G // 4
        pre = wx.clone()                   # W x_t + b, then + U h_(t-1) in place: (T, batch, 4H)
        gates = torch.empty_like(pre)      # [f_t, i_t, o_t, c~_t]
        cs = wx.new_empty(T + 1, B, H)     # c_0 ... c_T
        hs = wx.new_empty(T + 1, B, H)     # h_0 ... h_T
        cs[0], hs[0] = c0, h0
        U_T = U.T
        # views of each step's slices, made once (indexing inside the loop costs as much as the math)
        steps = zip(pre.unbind(0), pre[..., :3 * H].unbind(0), pre[..., 3 * H:].unbind(0),
                    gates[..., :3 * H].unbind(0), gates[..., :H].unbind(0), gates[..., H:2 * H].unbind(0),
                    gates[..., 2 * H:3 * H].unbind(0), gates[..., 3 * H:].unbind(0),
                    cs.unbind(0), cs[1:].unbind(0), hs.unbind(0), hs[1:].unbind(0))
        for pre_t, pre_s, pre_c, s, f, i, o, c_tilde, c, c_next, h, h_next in steps:
            pre_t.addmm_(h, U_T)                         # W x_t + U h_(t-1) + b for f, i, o, c
            torch.sigmoid(pre_s, out=s)                  # f_t, i_t, o_t
            torch.tanh(pre_c, out=c_tilde)               # c~_t
            torch.addcmul(f * c, i, c_tilde, out=c_next)  # c_t = f_t c_(t-1) + i_t c~_t
            torch.mul(o, torch.tanh(c_next), out=h_next)  # h_t = o_t tanh(c_t)
        ctx.save_for_backward(U, gates, cs, hs)
        return hs[1:], cs[T].clone()

    @staticmethod
    def backward(ctx, d_hs, d_cT):
        U, gates, cs, hs = ctx.saved_tensors
        T, B, G = gates.shape
        H = G // 4
        sig, c_tilde = gates[..., :3 * H], gates[..., 3 * H:]
        f, i, o = sig.split(H, dim=2)
        tc = torch.tanh(cs[1:])                                  # tanh(c_t): (T, batch, H)
        # factors that do not depend on the recurrence, for all steps at once
        dc_from_dh = o * (1 - tc * tc)                           # dc_t / dh_t
        to_pre_s = torch.cat([cs[:T], c_tilde, tc], dim=2) * sig * (1 - sig)  # dpre_[f,i,o] = [dc, dc, dh] * this
        to_pre_c = i * (1 - c_tilde * c_tilde)                   # dpre_c = dc * this
        d_pre = torch.empty_like(gates)
        dh = d_hs[T - 1]
        dc = d_cT  # autograd passes zeros for an output the loss does not use
        steps = zip(d_pre.unbind(0), d_pre[..., :3 * H].unbind(0), d_pre[..., 3 * H:].unbind(0),
                    dc_from_dh.unbind(0), to_pre_s.unbind(0), to_pre_c.unbind(0), f.unbind(0),
                    [None, *d_hs[:T - 1].unbind(0)])
        for d_pre_t, d_pre_s, d_pre_c, dc_dh, to_s, to_c, f_t, d_h_prev in reversed(list(steps)):
            dc = torch.addcmul(dc, dh, dc_dh)
            torch.mul(torch.cat([dc, dc, dh], dim=1), to_s, out=d_pre_s)
            torch.mul(dc, to_c, out=d_pre_c)
            if d_h_prev is not None:
                dh = torch.addmm(d_h_prev, d_pre_t, U)  # dL/dh_(t-1): the loss's own, and through the gates
            else:
                dh = d_pre_t @ U
            dc = dc * f_t                               # dL/dc_(t-1) through the self-loop
        dU = d_pre.reshape(T * B, G).T @ hs[:T].reshape(T * B, H)  # all steps in one product
        return d_pre, dU, dh, dc
