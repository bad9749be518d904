/* peripheral: a peripheral header included by name and its API called: it compiles, links,
 * and fails as documented (ADL_RET_ERR_NOT_SUPPORTED) with a trace. */
#include "adl_global.h"
#include "adl_gpio.h"
#include "adl_bus.h"

static void MainTask(void)
{
    adl_ioDefs_t led = ADL_IO_GPIO | 21 | ADL_IO_DIR_OUT | ADL_IO_LEV_LOW;
    adl_busI2CSettings_t eeprom = { 0xA0 >> 1, ADL_BUS_I2C_CLK_STD, ADL_BUS_I2C_ADDR_7_BITS,
                                    ADL_BUS_I2C_MASTER_MODE };
    s32 io = adl_ioSubscribe(1, &led, 0, 0, 0);
    s32 bus = adl_busSubscribe(ADL_BUS_ID_I2C, 1, &eeprom);
    bool ok = io == ADL_RET_ERR_NOT_SUPPORTED && bus == ADL_RET_ERR_NOT_SUPPORTED;
    TRACE((1, ok ? "compat peripheral: ok" : "compat peripheral: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
