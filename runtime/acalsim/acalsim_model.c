/*===- acalsim_model.c - A C model of the ACALSim devices -----------------===*
 *
 * See acalsim_model.h. Register offsets and bits come from acalsim.h, the
 * protocol library's header, so both sides use one register map.
 *===----------------------------------------------------------------------===*/
#include "acalsim_model.h"

#include "acalsim.h"

void acalsim_model_init(acalsim_model *model, uint32_t latency) {
  uint8_t *bytes = (uint8_t *)model;
  for (unsigned i = 0; i < sizeof(*model); ++i)
    bytes[i] = 0;
  model->latency = latency;
}

int acalsim_model_owns(uint32_t address) {
  if (address & 3u)
    return 0;
  return (address >= ACALSIM_COMPUTE_BASE &&
          address <= ACALSIM_COMPUTE_BASE + ACALSIM_REG_PEER_DATA_IN) ||
         (address >= ACALSIM_ECHO_BASE &&
          address <= ACALSIM_ECHO_BASE + ACALSIM_ECHO_CONTROL);
}

static void reset_compute(acalsim_model *model) {
  model->operand_a = model->operand_b = model->operation = 0;
  model->result = model->status = model->peer_in = 0;
  model->busy_left = 0;
  ++model->resets;
}

/* Ends a BUSY operation: READY with the result, or ERROR. */
static void finish(acalsim_model *model) {
  uint32_t a = model->operand_a, b = model->operand_b;
  uint32_t peer = model->status & ACALSIM_STATUS_PEER_READY;
  int error = 0;
  switch (model->operation) {
  case ACALSIM_OP_ADD:
    model->result = a + b;
    break;
  case ACALSIM_OP_SUB:
    model->result = a - b;
    break;
  case ACALSIM_OP_MUL:
    model->result = a * b;
    break;
  case ACALSIM_OP_DIV:
    if (b == 0 || ((int32_t)a == INT32_MIN && (int32_t)b == -1))
      error = 1;
    else
      model->result = (uint32_t)((int32_t)a / (int32_t)b);
    break;
  default:
    error = 1;
  }
  if (model->error_at && model->operations == model->error_at)
    error = 1;
  if (error)
    ++model->errors;
  model->status = peer | (error ? ACALSIM_STATUS_ERROR : ACALSIM_STATUS_READY);
}

static void trigger(acalsim_model *model) {
  ++model->operations;
  ++model->by_operation[model->operation < 4 ? model->operation : 4];
  model->status = (model->status & ACALSIM_STATUS_PEER_READY) |
                  ACALSIM_STATUS_BUSY;
  model->busy_left = model->latency;
  if (model->busy_left == 0 &&
      !(model->stuck_busy_at && model->operations == model->stuck_busy_at))
    finish(model);
}

uint32_t acalsim_model_read(acalsim_model *model, uint32_t address) {
  ++model->accesses;
  if (address >= ACALSIM_ECHO_BASE &&
      address <= ACALSIM_ECHO_BASE + ACALSIM_ECHO_CONTROL) {
    switch (address - ACALSIM_ECHO_BASE) {
    case ACALSIM_ECHO_DATA_IN:
      return model->echo_in;
    case ACALSIM_ECHO_DATA_OUT:
      model->echo_status &= ~ACALSIM_ECHO_STATUS_DATA_READY;
      return model->echo_out;
    case ACALSIM_ECHO_STATUS: {
      uint32_t status = model->echo_status;
      if (model->echo_busy_left && --model->echo_busy_left == 0) {
        model->echo_out = model->echo_in;
        model->echo_status = ACALSIM_ECHO_STATUS_DATA_READY;
      }
      return status;
    }
    default:
      return 0;
    }
  }
  switch (address - ACALSIM_COMPUTE_BASE) {
  case ACALSIM_REG_OPERAND_A:
    return model->operand_a;
  case ACALSIM_REG_OPERAND_B:
    return model->operand_b;
  case ACALSIM_REG_OPERATION:
    return model->operation;
  case ACALSIM_REG_RESULT:
    return model->result;
  case ACALSIM_REG_STATUS: {
    uint32_t status = model->status;
    /* BUSY counts down by reads of STATUS: the device's latency as the
     * program sees it. A stuck operation never finishes. */
    if ((status & ACALSIM_STATUS_BUSY) &&
        !(model->stuck_busy_at && model->operations == model->stuck_busy_at) &&
        (model->busy_left == 0 || --model->busy_left == 0))
      finish(model);
    return status;
  }
  case ACALSIM_REG_CONTROL:
    return 0;
  case ACALSIM_REG_PEER_DATA_IN:
    model->status &= ~ACALSIM_STATUS_PEER_READY;
    return model->peer_in;
  default:
    return 0;
  }
}

void acalsim_model_write(acalsim_model *model, uint32_t address,
                         uint32_t value) {
  ++model->accesses;
  if (address >= ACALSIM_ECHO_BASE &&
      address <= ACALSIM_ECHO_BASE + ACALSIM_ECHO_CONTROL) {
    switch (address - ACALSIM_ECHO_BASE) {
    case ACALSIM_ECHO_DATA_IN:
      model->echo_in = value;
      ++model->echoes;
      model->echo_status = ACALSIM_ECHO_STATUS_BUSY;
      model->echo_busy_left = model->latency ? model->latency : 1;
      break;
    case ACALSIM_ECHO_CONTROL:
      if (value & ACALSIM_ECHO_CONTROL_RESET)
        model->echo_in = model->echo_out = model->echo_status =
            model->echo_busy_left = 0;
      break;
    default:
      break;
    }
    return;
  }
  switch (address - ACALSIM_COMPUTE_BASE) {
  case ACALSIM_REG_OPERAND_A:
    model->operand_a = value;
    break;
  case ACALSIM_REG_OPERAND_B:
    model->operand_b = value;
    break;
  case ACALSIM_REG_OPERATION:
    model->operation = value;
    break;
  case ACALSIM_REG_CONTROL:
    if (value & ACALSIM_CONTROL_RESET)
      reset_compute(model);
    else if (value & ACALSIM_CONTROL_TRIGGER)
      trigger(model);
    break;
  case ACALSIM_REG_PEER_DATA_OUT:
    /* The peer is this device's own loopback. */
    model->peer_in = value;
    model->status |= ACALSIM_STATUS_PEER_READY;
    ++model->peer_messages;
    break;
  default:
    break;
  }
}
